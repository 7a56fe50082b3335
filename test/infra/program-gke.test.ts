/** The program on GKE (stack `production`, the committed deploy spec: no GPU for the service). */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, test } from 'vitest';
import { GPU_TAINT, kubernetesEffect } from '../../infra/gpu/scheduling.js';
import { registerGraphChecks } from './graph-checks.js';
import { ofKind, ofType, runProgram, single, type ProgramRun } from './harness.js';

const image = /image: (\S+)/.exec(readFileSync('deploy/production.yaml', 'utf8'))![1]!;
let run: ProgramRun;

beforeAll(async () => {
  // TLS at the Gateway without bearer tokens: enough for the policy pack in production.
  const tls = { hostname: 'keelson.example.com', tls: JSON.stringify({ secretName: 'keelson-tls' }) };
  run = await runProgram('production', { provider: 'gke', location: 'europe-west4-a', ...tls, grafanaAdminPassword: 'pw' }, ['grafanaAdminPassword']);
}, 180_000);

describe('GKE mode', () => {
  registerGraphChecks(() => run, { stack: 'production', namespace: 'keelson', drainTimeout: '10s', preStopSleep: '5s', image, specPath: 'deploy/production.yaml' });

  test('TLS only: GKE\'s gateway gets the HTTPS listener and the redirect; the pods take no token', () => {
    expect(single(run, 'Gateway', 'keelson').inputs.spec.listeners.map((l: { name: string; port: number }) => [l.name, l.port])).toEqual([['http', 80], ['https', 443]]);
    expect(single(run, 'HTTPRoute', 'keelson-https-redirect').inputs.spec.parentRefs).toEqual([{ name: 'keelson', sectionName: 'http' }]);
    expect(single(run, 'Rollout', 'keelson').inputs.spec.template.spec.containers[0].args).not.toContain('--auth-token-file');
    expect(run.outputs.serviceEndpoint).toBe('https://keelson.example.com');
  });

  const pools = () => ofType(run, 'gcp:container/nodePool:NodePool');
  const gpuPool = () => pools().find((p) => p.name === 'keelson-gpu')!.inputs;

  test('the cluster drops the default pool and enables Dataplane V2 and the Gateway API', () => {
    const cluster = ofType(run, 'gcp:container/cluster:Cluster')[0]!.inputs;
    expect(cluster).toMatchObject({
      name: 'keelson-production',
      location: 'europe-west4-a',
      removeDefaultNodePool: true,
      datapathProvider: 'ADVANCED_DATAPATH',
      gatewayApiConfig: { channel: 'CHANNEL_STANDARD' },
    });
    expect(pools().map((p) => p.name).sort()).toEqual(['keelson-gpu', 'keelson-system']);
  });

  test('the GPU pool has an accelerator with GKE driver installation, the GPU label and taint, and scales from zero', () => {
    const pool = gpuPool();
    expect(pool.nodeConfig.guestAccelerators).toEqual([
      { type: 'nvidia-l4', count: 1, gpuDriverInstallationConfig: { gpuDriverVersion: 'LATEST' } },
    ]);
    expect(pool.nodeConfig.machineType).toBe('g2-standard-4');
    expect(pool.nodeConfig.labels).toEqual({ 'node-role': 'gpu' });
    const taint = pool.nodeConfig.taints[0];
    expect([taint.key, taint.value, kubernetesEffect(taint.effect)]).toEqual([GPU_TAINT.key, GPU_TAINT.value, GPU_TAINT.effect]);
    expect(pool.autoscaling).toEqual({ minNodeCount: 0, maxNodeCount: 2 });
    // The committed spec runs on CPU: no GPU node starts until something asks for one.
    expect(pool.initialNodeCount).toBe(0);
  });

  test('a CPU service neither tolerates the GPU taint nor selects GPU nodes', () => {
    const pod = single(run, 'Rollout', 'keelson').inputs.spec.template.spec;
    expect(pod.tolerations).toBeUndefined();
    expect(pod.nodeSelector).toBeUndefined();
    expect(pod.containers[0].resources.limits['nvidia.com/gpu']).toBeUndefined();
  });

  test("GKE's own gateway class is used, health-checked on the readiness path, and let through the NetworkPolicy", () => {
    expect(ofType(run, 'kubernetes:helm.sh/v3:Release').map((r) => r.inputs.chart)).not.toContain('oci://docker.io/envoyproxy/gateway-helm');
    expect(single(run, 'Gateway').inputs.spec.gatewayClassName).toBe('gke-l7-global-external-managed');
    const checks = ofKind(run, 'HealthCheckPolicy').map((h) => h.inputs.spec);
    expect(checks.map((c) => c.targetRef.name).sort()).toEqual(['keelson-canary', 'keelson-stable']);
    for (const check of checks) expect(check.default.config.httpHealthCheck).toEqual({ port: 8080, requestPath: '/v2/health/ready' });
    const ingress = single(run, 'NetworkPolicy', 'keelson').inputs.spec.ingress;
    expect(ingress[0].from.map((p: { ipBlock: { cidr: string } }) => p.ipBlock.cidr)).toEqual(['35.191.0.0/16', '130.211.0.0/22']);
  });

  test('the GPU Operator leaves driver and device plugin to GKE and still exports DCGM metrics', () => {
    const values = ofType(run, 'kubernetes:helm.sh/v3:Release').find((r) => r.inputs.chart === 'gpu-operator')!.inputs.values;
    expect(values).toMatchObject({ driver: { enabled: false }, devicePlugin: { enabled: false }, dcgmExporter: { enabled: true } });
  });

  test('the kubeconfig points at the cluster endpoint and authenticates with gke-gcloud-auth-plugin', () => {
    const kubeconfig = JSON.parse(run.outputs.kubeconfig as string);
    expect(kubeconfig.clusters[0].cluster.server).toBe('https://203.0.113.10');
    expect(kubeconfig.users[0].user.exec.command).toBe('gke-gcloud-auth-plugin');
    expect(run.secretOutputs).toContain('kubeconfig');
  });
});
