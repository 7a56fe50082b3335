/**
 * Filebeat as an ECK `Beat` DaemonSet: Kubernetes autodiscover, the service's ECS JSON lines decoded into
 * fields, every other container's lines kept as text; plus the RBAC autodiscover needs. Pure.
 */
import { APP_NAME } from '../render/labels.js';
import { ELASTIC_NAME, ILM_POLICY_NAME } from './elastic.js';

export const FILEBEAT_NAME = 'filebeat';
/** Where the ILM policy file is mounted in the Filebeat pods. */
const ILM_POLICY_PATH = '/etc/keelson/ilm-policy.json';
export const ILM_CONFIG_MAP = 'keelson-ilm-policy';

/** Autodiscover field for the app label (labels are de-dotted: `.` becomes `_`). */
const APP_LABEL_FIELD = 'kubernetes.labels.app_kubernetes_io/name';

function containerInput(id: string, extraParsers: object[]) {
  return {
    type: 'filestream',
    id: `${id}-\${data.kubernetes.container.id}`,
    paths: ['/var/log/containers/*-${data.kubernetes.container.id}.log'],
    parsers: [{ container: {} }, ...extraParsers],
    'prospector.scanner.symlinks': true,
  };
}

/** filebeat.yml as an object (ECK adds the Elasticsearch output and credentials). */
function filebeatConfig() {
  const isKeelson = { equals: { [APP_LABEL_FIELD]: APP_NAME } };
  return {
    'filebeat.autodiscover': {
      providers: [
        {
          type: 'kubernetes',
          node: '${NODE_NAME}',
          templates: [
            {
              condition: isKeelson,
              // One ECS JSON object per line: lift its fields to the top level of the event.
              config: [containerInput('keelson', [{ ndjson: { target: '', overwrite_keys: true, expand_keys: true, add_error_key: true } }])],
            },
            { condition: { not: isKeelson }, config: [containerInput('container', [])] },
          ],
        },
      ],
    },
    processors: [{ add_cloud_metadata: {} }, { add_host_metadata: {} }],
    'setup.ilm.enabled': true,
    'setup.ilm.policy_name': ILM_POLICY_NAME,
    'setup.ilm.policy_file': ILM_POLICY_PATH,
    'setup.ilm.overwrite': true,
  };
}

/** The Beat spec: a DaemonSet on every node, GPU nodes included. */
export function filebeatSpec(version: string) {
  const hostPath = (name: string, path: string) => ({ name, hostPath: { path } });
  return {
    type: 'filebeat',
    version,
    elasticsearchRef: { name: ELASTIC_NAME },
    kibanaRef: { name: ELASTIC_NAME },
    config: filebeatConfig(),
    daemonSet: {
      podTemplate: {
        spec: {
          serviceAccountName: FILEBEAT_NAME,
          automountServiceAccountToken: true,
          terminationGracePeriodSeconds: 30,
          tolerations: [{ operator: 'Exists', effect: 'NoSchedule' }],
          containers: [
            {
              name: 'filebeat',
              // Container log files on the host are readable by root only.
              securityContext: { runAsUser: 0 },
              env: [{ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
              resources: { requests: { cpu: '100m', memory: '200Mi' }, limits: { memory: '400Mi' } },
              volumeMounts: [
                { name: 'varlogcontainers', mountPath: '/var/log/containers', readOnly: true },
                { name: 'varlogpods', mountPath: '/var/log/pods', readOnly: true },
                { name: 'ilm-policy', mountPath: '/etc/keelson', readOnly: true },
              ],
            },
          ],
          volumes: [
            hostPath('varlogcontainers', '/var/log/containers'),
            hostPath('varlogpods', '/var/log/pods'),
            { name: 'ilm-policy', configMap: { name: ILM_CONFIG_MAP } },
          ],
        },
      },
    },
  };
}

/** ClusterRole rules for Kubernetes autodiscover and metadata enrichment. */
export function filebeatClusterRoleRules() {
  const read = ['get', 'list', 'watch'];
  return [
    { apiGroups: [''], resources: ['namespaces', 'pods', 'nodes'], verbs: read },
    { apiGroups: ['apps'], resources: ['replicasets'], verbs: read },
    { apiGroups: ['batch'], resources: ['jobs'], verbs: read },
  ];
}
