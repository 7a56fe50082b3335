/** Helm values for kube-prometheus-stack. Pure; secrets arrive as already-resolved values inside an apply. */
import { SYSTEM_NODE_LABELS } from '../gpu/scheduling.js';
import { DASHBOARD_FOLDER_ANNOTATION, DASHBOARD_LABEL } from './provisioning.js';

/** An Alertmanager receiver as Alertmanager's configuration spells it (`slack_configs`, `webhook_configs`...). */
export interface AlertReceiver {
  name: string;
  [integration: string]: unknown;
}

export interface StackValuesInput {
  grafanaAdminPassword: string;
  receivers: AlertReceiver[];
  retention: string;
  prometheusStorageSize: string;
  grafanaStorageSize: string;
  storageClassName?: string;
  /** Pin the stack to the system pool (clusters this program built have one). */
  systemNodes: boolean;
}

/** Parses `keelson:alertmanagerReceivers` (a JSON array of receivers); throws naming the key. */
export function parseReceivers(text: string | undefined): AlertReceiver[] {
  if (text === undefined || text.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const valid = Array.isArray(parsed) && parsed.every((r) => typeof r === 'object' && r !== null && typeof (r as AlertReceiver).name === 'string');
  if (!valid) {
    // The value is a secret: say what is wrong, never echo it.
    throw new Error('keelson:alertmanagerReceivers = (secret): expected a JSON array of Alertmanager receivers, each with a "name"');
  }
  const names = (parsed as AlertReceiver[]).map((r) => r.name);
  if (names.includes('null') || new Set(names).size !== names.length) {
    throw new Error(`keelson:alertmanagerReceivers: receiver names ${JSON.stringify(names)}: expected unique names other than "null"`);
  }
  return parsed as AlertReceiver[];
}

/** Alertmanager configuration: everything to the first configured receiver, the Watchdog heartbeat nowhere. */
export function alertmanagerConfig(receivers: AlertReceiver[]) {
  return {
    route: {
      receiver: receivers[0]?.name ?? 'null',
      group_by: ['alertname', 'namespace'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '4h',
      routes: [{ receiver: 'null', matchers: ['alertname = "Watchdog"'] }],
    },
    receivers: [{ name: 'null' }, ...receivers],
  };
}

/** kube-prometheus-stack values. */
export function kubePrometheusStackValues(input: StackValuesInput) {
  const placement = input.systemNodes ? { nodeSelector: { ...SYSTEM_NODE_LABELS } } : {};
  const storageClass = input.storageClassName ? { storageClassName: input.storageClassName } : {};
  return {
    crds: { enabled: true },
    prometheusOperator: { ...placement },
    prometheus: {
      prometheusSpec: {
        // Select every ServiceMonitor/PodMonitor/PrometheusRule, not only those labelled `release: <name>`.
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        ruleSelectorNilUsesHelmValues: false,
        probeSelectorNilUsesHelmValues: false,
        retention: input.retention,
        resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { memory: '4Gi' } },
        storageSpec: {
          volumeClaimTemplate: {
            spec: { ...storageClass, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: input.prometheusStorageSize } } },
          },
        },
        ...placement,
      },
    },
    alertmanager: { config: alertmanagerConfig(input.receivers), alertmanagerSpec: { ...placement } },
    grafana: {
      adminPassword: input.grafanaAdminPassword,
      service: { type: 'ClusterIP' },
      persistence: { enabled: true, size: input.grafanaStorageSize, ...storageClass },
      sidecar: {
        dashboards: {
          enabled: true,
          label: Object.keys(DASHBOARD_LABEL)[0],
          labelValue: Object.values(DASHBOARD_LABEL)[0],
          searchNamespace: 'ALL',
          folderAnnotation: DASHBOARD_FOLDER_ANNOTATION,
          provider: { foldersFromFilesStructure: true },
        },
        datasources: { enabled: true },
      },
      ...placement,
    },
    kubeStateMetrics: { enabled: true },
    nodeExporter: { enabled: true },
  };
}
