/**
 * `renderJudge(...)`: `keelson judge serve` in the cluster, where the AnalysisTemplate's `web` provider finds it
 * (`judgeEndpoint`): Deployment, Service, ServiceMonitor, NetworkPolicy, ServiceAccount and PDB `keelson-judge`. Pure.
 */
import { hardenedContainerSecurity, hardenedPodSecurity } from './pod.js';
import type { KubeObject } from './kube-object.js';

export const JUDGE_NAME = 'keelson-judge';
/** `judgeEndpoint(namespace)` names this port: the Service and the container both listen on it. */
export const JUDGE_PORT = 8080;
const PORT_NAME = 'http';
const HEALTH_PATH = '/healthz';
/** Stateless (every answer is replayed from Prometheus), so two replicas survive a node loss and a rolling update. */
const JUDGE_REPLICAS = 2;
/** Port of the Prometheus pods behind the monitoring stack's Service (kube-prometheus-stack). */
const PROMETHEUS_PORT = 9090;

export interface JudgeInput {
  /** The service's image: it carries the whole `keelson` CLI, so the judge ships with the release it judges. */
  image: string;
  namespace: string;
  /** In-cluster Prometheus that scrapes the arms (`monitoring.prometheusUrl`). */
  prometheusUrl: string;
  /** The AnalysisTemplate's interval: `keelson judge serve --interval` must be the same. */
  intervalMs: number;
  /** Where the Argo Rollouts controller runs (it calls the judge). */
  rolloutsNamespace: string;
  /** Where Prometheus runs (it calls the judge's /metrics, the judge calls it). */
  monitoringNamespace: string;
  labels: Record<string, string>;
}

/** Labels of the judge's pods, Service and ServiceMonitor: distinct from the inference pods' `app.kubernetes.io/name: keelson`. */
export function judgeSelector(): Record<string, string> {
  return { 'app.kubernetes.io/name': JUDGE_NAME, 'app.kubernetes.io/component': 'judge' };
}

/** `keelson judge serve` with the exact flags of `cli/commands/judge.ts`; the image's ENTRYPOINT is `keelson serve`, hence `command`. */
export function judgeCommand(prometheusUrl: string, intervalMs: number): { command: string[]; args: string[] } {
  return {
    command: ['node', 'bin/keelson.mjs', 'judge', 'serve'],
    args: ['--prometheus', prometheusUrl, '--host', '0.0.0.0', '--port', String(JUDGE_PORT), '--interval', `${intervalMs / 1000}s`],
  };
}

/** Every object of the judge, in apply order. */
export function renderJudge(input: JudgeInput): KubeObject[] {
  const selector = judgeSelector();
  const metadata = { name: JUDGE_NAME, namespace: input.namespace, labels: { ...input.labels, ...selector } };
  const byNamespace = (namespace: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } });
  const prometheusPods = { ...byNamespace(input.monitoringNamespace), podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } };
  const probe = { httpGet: { path: HEALTH_PATH, port: PORT_NAME } };
  return [
    // It reads Prometheus over HTTP and nothing from the Kubernetes API: no token in the pod.
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata, automountServiceAccountToken: false },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata,
      spec: {
        replicas: JUDGE_REPLICAS,
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
        template: {
          metadata: { labels: selector },
          spec: {
            serviceAccountName: JUDGE_NAME,
            automountServiceAccountToken: false,
            securityContext: hardenedPodSecurity(),
            containers: [
              {
                name: 'judge',
                image: input.image,
                ...judgeCommand(input.prometheusUrl, input.intervalMs),
                ports: [{ name: PORT_NAME, containerPort: JUDGE_PORT, protocol: 'TCP' }],
                // tsx compiles the CLI on the first start: give it a minute before liveness counts.
                startupProbe: { ...probe, periodSeconds: 2, failureThreshold: 30 },
                livenessProbe: { ...probe, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
                readinessProbe: { ...probe, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2 },
                resources: { requests: { cpu: '100m', memory: '192Mi' }, limits: { cpu: '1', memory: '512Mi' } },
                securityContext: hardenedContainerSecurity(),
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            // Read-only root filesystem: tsx's transform cache goes here.
            volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '128Mi' } }],
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata,
      spec: { type: 'ClusterIP', selector, ports: [{ name: PORT_NAME, port: JUDGE_PORT, targetPort: PORT_NAME, protocol: 'TCP' }] },
    },
    {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata,
      spec: {
        selector: { matchLabels: selector },
        namespaceSelector: { matchNames: [input.namespace] },
        endpoints: [{ port: PORT_NAME, path: '/metrics', interval: '30s', scrapeTimeout: '10s' }],
      },
    },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata, spec: { maxUnavailable: 1, selector: { matchLabels: selector } } },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata,
      spec: {
        podSelector: { matchLabels: selector },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{ from: [byNamespace(input.rolloutsNamespace), prometheusPods], ports: [{ port: JUDGE_PORT, protocol: 'TCP' }] }],
        egress: [
          { to: [prometheusPods], ports: [{ port: PROMETHEUS_PORT, protocol: 'TCP' }] },
          // DNS, wherever the cluster runs it (kube-dns, NodeLocal DNSCache on the node).
          { ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] },
        ],
      },
    },
  ];
}
