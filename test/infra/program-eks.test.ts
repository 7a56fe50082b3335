/** The program on EKS (stack `production`), with a deploy spec that asks for a GPU. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { GPU_TAINT, selectsNodes, tolerates } from '../../infra/gpu/scheduling.js';
import { registerGraphChecks } from './graph-checks.js';
import { ofType, runProgram, single, type ProgramRun } from './harness.js';

const spec = readFileSync('deploy/production.yaml', 'utf8').replace('gpu: false', 'gpu: true');
const image = /image: (\S+)/.exec(spec)![1]!;
const specPath = join(mkdtempSync(join(tmpdir(), 'keelson-infra-eks-')), 'production.yaml');
writeFileSync(specPath, spec);
let run: ProgramRun;
const TOKENS = 'tok-old-3f9a\ntok-new-77c1\n';

beforeAll(async () => {
  run = await runProgram(
    'production',
    {
      provider: 'eks',
      deploySpec: specPath,
      gpuInstanceType: 'g6.xlarge',
      drainTimeout: '20s',
      hostname: 'keelson.example.com',
      inferenceAuth: JSON.stringify({ secretName: 'keelson-auth' }),
      inferenceTokens: TOKENS,
      tls: JSON.stringify({ secretName: 'keelson-tls' }),
      grafanaAdminPassword: 'correct-horse',
      alertmanagerReceivers: JSON.stringify([{ name: 'oncall', webhook_configs: [{ url: 'https://hooks.example.com/alert' }] }]),
    },
    ['grafanaAdminPassword', 'alertmanagerReceivers', 'inferenceTokens'],
  );
}, 180_000);

describe('EKS mode', () => {
  test('securing the endpoint: the Rollout mounts the token Secret and passes --auth-token-file; probes and scrapes stay on open paths', () => {
    const pod = single(run, 'Rollout', 'keelson').inputs.spec.template.spec;
    const container = pod.containers.find((c: { name: string }) => c.name === 'keelson');
    expect(container.args.slice(-2)).toEqual(['--auth-token-file', '/var/run/secrets/keelson/auth/tokens']);
    expect(container.volumeMounts).toContainEqual({ name: 'auth-tokens', mountPath: '/var/run/secrets/keelson/auth', readOnly: true });
    expect(pod.volumes).toContainEqual({
      name: 'auth-tokens',
      projected: { defaultMode: 0o440, sources: [{ secret: { name: 'keelson-auth', items: [{ key: 'tokens', path: 'tokens' }] } }] },
    });
    // The service checks tokens on /v2/models/* and /v1/* only: probes and /metrics carry none.
    for (const probe of [container.startupProbe, container.livenessProbe, container.readinessProbe]) expect(probe.httpGet.path).toMatch(/^\/v2\/health\//);
    expect(single(run, 'ServiceMonitor', 'keelson').inputs.spec.endpoints[0].path).toBe('/metrics');
  });

  test('the token Secret from keelson:inferenceTokens is a Pulumi secret, created before the Rollout, and in no output', () => {
    const secret = single(run, 'Secret', 'keelson-auth');
    expect(secret.inputs).toMatchObject({ type: 'Opaque', metadata: { namespace: 'keelson' }, stringData: { tokens: TOKENS } });
    expect(secret.secretPaths).toEqual(['stringData']);
    expect(single(run, 'Rollout', 'keelson').dependsOn).toContain(`${secret.type}::${secret.name}`);
    const outputs = JSON.stringify(run.outputs);
    for (const token of ['tok-old-3f9a', 'tok-new-77c1']) expect(outputs).not.toContain(token);
  });

  test('the Gateway terminates TLS on 443 with the Secret, HTTP only redirects, and the endpoint is https', () => {
    const listeners = single(run, 'Gateway', 'keelson').inputs.spec.listeners;
    expect(listeners).toEqual([
      { name: 'http', protocol: 'HTTP', port: 80, hostname: 'keelson.example.com', allowedRoutes: { namespaces: { from: 'Same' } } },
      {
        name: 'https', protocol: 'HTTPS', port: 443, hostname: 'keelson.example.com', allowedRoutes: { namespaces: { from: 'Same' } },
        tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: 'keelson-tls' }] },
      },
    ]);
    expect(single(run, 'HTTPRoute', 'keelson').inputs.spec.parentRefs).toEqual([{ name: 'keelson', sectionName: 'https' }]);
    const redirect = single(run, 'HTTPRoute', 'keelson-https-redirect').inputs.spec;
    expect(redirect.parentRefs).toEqual([{ name: 'keelson', sectionName: 'http' }]);
    expect(redirect.rules).toEqual([{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }]);
    expect(redirect.rules[0].backendRefs).toBeUndefined();
    expect(run.outputs.serviceEndpoint).toBe('https://keelson.example.com');
  });


  registerGraphChecks(() => run, { stack: 'production', namespace: 'keelson', drainTimeout: '20s', preStopSleep: '5s', image, specPath });

  const nodeGroups = () => ofType(run, 'eks:index:ManagedNodeGroup');
  const gpuGroup = () => nodeGroups().find((g) => g.name === 'keelson-gpu')!.inputs;

  test('the cluster has no default node group and uses access entries', () => {
    const cluster = ofType(run, 'eks:index:Cluster')[0]!.inputs;
    expect(cluster).toMatchObject({ skipDefaultNodeGroup: true, authenticationMode: 'API', name: 'keelson-production' });
    expect(nodeGroups().map((g) => g.name).sort()).toEqual(['keelson-gpu', 'keelson-system']);
  });

  test('the GPU node group uses the NVIDIA AMI, scales from zero, carries the GPU label and taint', () => {
    expect(gpuGroup()).toMatchObject({
      amiType: 'AL2023_x86_64_NVIDIA',
      instanceTypes: ['g6.xlarge'],
      labels: { 'node-role': 'gpu' },
      taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NO_SCHEDULE' }],
      ignoreScalingChanges: true,
    });
    // The service asks for a GPU, so one node starts even though the minimum is zero.
    expect(gpuGroup().scalingConfig).toEqual({ minSize: 0, desiredSize: 1, maxSize: 2 });
    expect(nodeGroups().find((g) => g.name === 'keelson-system')!.inputs.taints).toBeUndefined();
  });

  test('GPU taint, pod toleration and node selector agree, and the pod asks for one GPU', () => {
    const pod = single(run, 'Rollout', 'keelson').inputs.spec.template.spec;
    for (const taint of gpuGroup().taints) expect(pod.tolerations.some((t: object) => tolerates(t, taint))).toBe(true);
    expect(selectsNodes(pod.nodeSelector, gpuGroup().labels)).toBe(true);
    const systemLabels = nodeGroups().find((g) => g.name === 'keelson-system')!.inputs.labels;
    expect(selectsNodes(pod.nodeSelector, systemLabels)).toBe(false);
    expect(pod.containers[0].resources.limits['nvidia.com/gpu']).toBe('1');
  });

  test('the GPU Operator keeps the AMI driver and toolkit, runs the device plugin and exports DCGM metrics', () => {
    const release = ofType(run, 'kubernetes:helm.sh/v3:Release').find((r) => r.inputs.chart === 'gpu-operator')!.inputs;
    expect(release.values).toMatchObject({
      driver: { enabled: false },
      toolkit: { enabled: false },
      devicePlugin: { enabled: true },
      dcgmExporter: { enabled: true, serviceMonitor: { enabled: true } },
    });
    expect(release.values.daemonsets.tolerations.some((t: object) => tolerates(t, GPU_TAINT))).toBe(true);
  });

  test('monitoring selects every monitor and rule, keeps Grafana internal, and routes alerts to the configured receiver', () => {
    const values = ofType(run, 'kubernetes:helm.sh/v3:Release').find((r) => r.inputs.chart === 'kube-prometheus-stack')!.inputs.values;
    expect(values.prometheus.prometheusSpec).toMatchObject({
      serviceMonitorSelectorNilUsesHelmValues: false,
      podMonitorSelectorNilUsesHelmValues: false,
      ruleSelectorNilUsesHelmValues: false,
    });
    expect(values.grafana.service.type).toBe('ClusterIP');
    expect(values.grafana.adminPassword).toBe('correct-horse');
    expect(values.grafana.sidecar.dashboards).toMatchObject({ enabled: true, label: 'grafana_dashboard', labelValue: '1' });
    expect(values.alertmanager.config.route.receiver).toBe('oncall');
    expect(values.alertmanager.config.receivers.map((r: { name: string }) => r.name)).toEqual(['null', 'oncall']);
  });

  test('persistent volumes use the gp3 StorageClass the program creates for the EBS CSI driver', () => {
    expect(single(run, 'StorageClass', 'gp3').inputs.provisioner).toBe('ebs.csi.aws.com');
    const addons = ofType(run, 'aws:eks/addon:Addon').map((a) => a.inputs.addonName);
    expect(addons).toEqual(expect.arrayContaining(['aws-ebs-csi-driver', 'metrics-server', 'eks-pod-identity-agent']));
    const es = single(run, 'Elasticsearch').inputs;
    expect(es.spec.nodeSets[0].volumeClaimTemplates[0].spec.storageClassName).toBe('gp3');
  });

  test('the Kubernetes provider applies server-side with the EKS kubeconfig, exported as a secret', () => {
    const provider = ofType(run, 'pulumi:providers:kubernetes')[0]!.inputs;
    expect(provider.enableServerSideApply).toBe('true');
    expect(run.outputs.kubeconfig).toContain('"kind":"Config"');
    expect(run.secretOutputs).toContain('kubeconfig');
  });
});
