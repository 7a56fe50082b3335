/** The program on an existing cluster (stack `dev`, kind/k3s/on-prem) from a kubeconfig in config. */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { registerGraphChecks } from './graph-checks.js';
import { ofKind, ofType, runProgram, single, type ProgramRun } from './harness.js';

const KUBECONFIG = 'apiVersion: v1\nkind: Config\nclusters: [{name: kind, cluster: {server: "https://127.0.0.1:6443"}}]\n';
const image = /image: (\S+)/.exec(readFileSync('deploy/production.yaml', 'utf8'))![1]!;
let run: ProgramRun;

beforeAll(async () => {
  run = await runProgram(
    'dev',
    {
      provider: 'existing',
      kubeconfig: KUBECONFIG,
      kubeContext: 'kind-keelson',
      deploySpec: 'deploy/production.yaml',
      namespace: 'ml',
      preStopSleep: '3s',
      elasticVersion: '8.19.0',
      logRetentionDays: '3',
      // The committed spec says environment production: the policy pack wants a token or TLS even on kind.
      inferenceAuth: JSON.stringify({ secretName: 'keelson-auth' }),
      grafanaAdminPassword: 'pw',
    },
    ['kubeconfig', 'grafanaAdminPassword'],
  );
}, 180_000);

describe('existing-cluster mode', () => {
  registerGraphChecks(() => run, { stack: 'dev', namespace: 'ml', drainTimeout: '10s', preStopSleep: '3s', image, specPath: 'deploy/production.yaml' });

  test('bearer tokens from a Secret the operator creates: mounted and passed, not created by Pulumi; plain http', () => {
    const args = single(run, 'Rollout', 'keelson').inputs.spec.template.spec.containers[0].args;
    expect(args.slice(-2)).toEqual(['--auth-token-file', '/var/run/secrets/keelson/auth/tokens']);
    expect(ofKind(run, 'Secret')).toEqual([]);
    expect(single(run, 'Gateway', 'keelson').inputs.spec.listeners.map((l: { name: string }) => l.name)).toEqual(['http']);
    expect(ofKind(run, 'HTTPRoute').map((r) => r.inputs.metadata.name)).toEqual(['keelson']);
  });

  test('no cloud resources: only the Kubernetes provider built from the configured kubeconfig and context', () => {
    expect(run.resources.filter((r) => /^(aws|eks|gcp):/.test(r.type))).toEqual([]);
    const provider = ofType(run, 'pulumi:providers:kubernetes')[0]!.inputs;
    expect(provider.kubeconfig).toBe(KUBECONFIG);
    expect(provider.context).toBe('kind-keelson');
    expect(run.secretOutputs).toContain('kubeconfig');
  });

  test('without a gateway of its own the cluster gets Envoy Gateway, and the NetworkPolicy admits its proxies and Prometheus only', () => {
    const charts = ofType(run, 'kubernetes:helm.sh/v3:Release').map((r) => r.inputs.chart);
    expect(charts).toContain('oci://docker.io/envoyproxy/gateway-helm');
    expect(charts).not.toContain('gpu-operator');
    expect(single(run, 'Gateway').inputs.spec.gatewayClassName).toBe(single(run, 'GatewayClass').inputs.metadata.name);
    const ingress = single(run, 'NetworkPolicy', 'keelson').inputs.spec.ingress;
    const namespaces = ingress.map((rule: { from: { namespaceSelector: { matchLabels: Record<string, string> } }[] }) =>
      rule.from[0]!.namespaceSelector.matchLabels['kubernetes.io/metadata.name'],
    );
    expect(namespaces).toEqual(['envoy-gateway-system', 'monitoring']);
    for (const rule of ingress) expect(rule.ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
  });

  test('Filebeat decodes the service ECS JSON lines and keeps other containers as text', () => {
    const beat = single(run, 'Beat').inputs.spec;
    const [keelson, others] = beat.config['filebeat.autodiscover'].providers[0].templates;
    expect(keelson.condition).toEqual({ equals: { 'kubernetes.labels.app_kubernetes_io/name': 'keelson' } });
    expect(keelson.config[0].parsers).toContainEqual({ ndjson: expect.objectContaining({ target: '', overwrite_keys: true }) });
    expect(others.condition).toEqual({ not: keelson.condition });
    expect(others.config[0].parsers).toEqual([{ container: {} }]);
    expect(beat.version).toBe('8.19.0');
    expect(single(run, 'Elasticsearch').inputs.spec.version).toBe('8.19.0');
    expect(single(run, 'Kibana').inputs.spec.elasticsearchRef.name).toBe(single(run, 'Elasticsearch').inputs.metadata.name);
  });

  test('logs are deleted after the configured retention, and Filebeat may read pod metadata', () => {
    const policy = JSON.parse(single(run, 'ConfigMap', 'keelson-ilm-policy').inputs.data['ilm-policy.json']);
    expect(policy.policy.phases.delete).toEqual({ min_age: '3d', actions: { delete: {} } });
    const beatPod = single(run, 'Beat').inputs.spec.daemonSet.podTemplate.spec;
    const binding = single(run, 'ClusterRoleBinding', 'keelson-filebeat').inputs;
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: beatPod.serviceAccountName, namespace: 'logging' }]);
    const rules = single(run, 'ClusterRole', binding.roleRef.name).inputs.rules;
    expect(rules[0]).toEqual({ apiGroups: [''], resources: ['namespaces', 'pods', 'nodes'], verbs: ['get', 'list', 'watch'] });
    expect(beatPod.volumes.map((v: { name: string }) => v.name)).toEqual(['varlogcontainers', 'varlogpods', 'ilm-policy']);
  });

  test('without a system pool the monitoring stack is not pinned to one, and persistent volumes use the cluster default', () => {
    const values = ofType(run, 'kubernetes:helm.sh/v3:Release').find((r) => r.inputs.chart === 'kube-prometheus-stack')!.inputs.values;
    expect(values.prometheus.prometheusSpec.nodeSelector).toBeUndefined();
    expect(values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName).toBeUndefined();
    expect(ofKind(run, 'StorageClass')).toEqual([]);
  });
});
