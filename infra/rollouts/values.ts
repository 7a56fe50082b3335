/** Values of the argo-rollouts chart: controller metrics with a ServiceMonitor and the Gateway API plugin. Pure. */
import { PLUGIN_DIR, type RolloutsPluginSettings } from '../config/settings.js';
import { SYSTEM_NODE_LABELS } from '../gpu/scheduling.js';
import { GATEWAY_API_PLUGIN } from '../render/rollout.js';
import { GATEWAY_API_PLUGIN_RELEASE } from '../versions.js';

/** Service account of the controller; named so the extra RBAC can bind to it whatever the chart's fullname. */
export const CONTROLLER_SERVICE_ACCOUNT = 'argo-rollouts';

/** The `controller.trafficRouterPlugins` entry the chart renders into the `argo-rollouts-config` ConfigMap. */
export function gatewayApiPluginEntry(plugin: RolloutsPluginSettings): { name: string; location: string; sha256?: string } {
  return { name: GATEWAY_API_PLUGIN, location: plugin.location, ...(plugin.sha256 ? { sha256: plugin.sha256 } : {}) };
}

/**
 * With `image`, an init container copies the plugin binary into an emptyDir the controller mounts at the
 * `file://` location's directory (the plugin's documented air-gapped install); otherwise the controller downloads it.
 */
function pluginFromImage(plugin: RolloutsPluginSettings) {
  if (!plugin.image) return {};
  const target = new URL(plugin.location).pathname;
  const mount = { name: 'gatewayapi-plugin', mountPath: PLUGIN_DIR };
  return {
    initContainers: [
      {
        name: 'copy-gatewayapi-plugin',
        // The plugin's image: alpine (so `sh` and `cp` exist), uid 999; an emptyDir is writable by any uid.
        image: plugin.image,
        command: ['/bin/sh', '-c'],
        args: [`cp ${GATEWAY_API_PLUGIN_RELEASE.imageBinary} ${target}`],
        volumeMounts: [mount],
        securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
      },
    ],
    volumes: [{ name: mount.name, emptyDir: { sizeLimit: '256Mi' } }],
    volumeMounts: [mount],
  };
}

/**
 * The controller labels its series with the Rollout's `namespace`; without `honorLabels` Prometheus renames that
 * `exported_namespace` and sets `namespace` to the controller's. These relabelings put the Rollout's back, which
 * the canary dashboard's namespace filter and the rollout alerts rely on (docs/dashboards.md).
 */
export const NAMESPACE_FROM_SERIES = [
  { sourceLabels: ['exported_namespace'], regex: '(.+)', targetLabel: 'namespace', replacement: '$1' },
  { action: 'labeldrop', regex: 'exported_namespace' },
];

/** Chart values; `systemNodes` keeps the controller off the GPU pool where a system pool exists. */
export function argoRolloutsValues(plugin: RolloutsPluginSettings, systemNodes: boolean) {
  return {
    controller: {
      replicas: 2,
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
      ...(systemNodes ? { nodeSelector: { ...SYSTEM_NODE_LABELS } } : {}),
      metrics: { enabled: true, serviceMonitor: { enabled: true, metricRelabelings: NAMESPACE_FROM_SERIES } },
      trafficRouterPlugins: [gatewayApiPluginEntry(plugin)],
      ...pluginFromImage(plugin),
    },
    serviceAccount: { create: true, name: CONTROLLER_SERVICE_ACCOUNT },
    // The chart's Gateway API rules (get/list/watch/update on routes); the component adds `patch`.
    providerRBAC: { enabled: true, providers: { gatewayAPI: true } },
    dashboard: { enabled: false },
  };
}
