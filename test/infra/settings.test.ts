/** Stack configuration: defaults per provider and messages that name the key, the value and the expectation. */
import { describe, expect, test } from 'vitest';
import { gpuDesiredNodes, resolveSettings } from '../../infra/config/settings.js';
import { alertmanagerConfig, parseReceivers } from '../../infra/monitoring/values.js';

const settings = (values: Record<string, string>, stack = 'production') => resolveSettings((key) => values[key], stack);

describe('resolveSettings', () => {
  test('EKS defaults: a GPU pool scaling from zero, the GPU Operator, three Elasticsearch nodes', () => {
    const s = settings({ provider: 'eks' });
    expect(s.eks).toMatchObject({ clusterName: 'keelson-production', systemInstanceType: 't3.large', systemNodeCount: 2 });
    expect(s.gpu).toMatchObject({ nodePool: true, instanceType: 'g5.xlarge', minNodes: 0, maxNodes: 2, operator: true });
    expect(s.deploySpecPath).toBe('deploy/production.yaml');
    expect([s.drainTimeoutMs, s.preStopSleepMs]).toEqual([10_000, 5_000]);
    expect(s.logging.elasticNodeCount).toBe(3);
  });

  test('GKE picks GKE machine types; existing clusters get no node pools and no operator unless asked', () => {
    expect(settings({ provider: 'gke' }).gpu.instanceType).toBe('g2-standard-4');
    expect(settings({ provider: 'gke' }).gke.systemMachineType).toBe('e2-standard-4');
    const existing = settings({ provider: 'existing', gpuNodePool: 'true' }, 'dev');
    expect(existing.gpu).toMatchObject({ nodePool: false, operator: false, driverPreinstalled: true });
    expect(existing.logging.elasticNodeCount).toBe(1);
    expect(settings({ provider: 'existing', gpuOperator: 'true', gpuDriverPreinstalled: 'false' }).gpu).toMatchObject({ operator: true, driverPreinstalled: false });
  });

  test.each([
    [{}, 'keelson:provider = (unset): expected one of eks, gke, existing'],
    [{ provider: 'aks' }, 'keelson:provider = "aks": expected one of eks, gke, existing'],
    [{ provider: 'eks', drainTimeout: 'ten seconds' }, 'keelson:drainTimeout = "ten seconds": expected a duration such as "10s" or "1m30s"'],
    [{ provider: 'eks', gpuMaxNodes: '0' }, 'keelson:gpuMaxNodes = "0": expected a whole number ≥ 1'],
    [{ provider: 'eks', logging: 'yes' }, 'keelson:logging = "yes": expected true or false'],
    [{ provider: 'eks', elasticStorageSize: '50GB' }, 'keelson:elasticStorageSize = "50GB": expected a size such as 50Gi'],
    [{ provider: 'eks', privateSubnetIds: '[1, 2]' }, 'keelson:privateSubnetIds = "[1, 2]": expected a comma-separated list or JSON array of ids'],
    [{ provider: 'eks', logLevel: 'loud' }, 'keelson:logLevel = "loud": expected one of trace, debug, info, warn, error, fatal, silent'],
  ])('%j is refused: %s', (values, message) => {
    expect(() => settings(values as Record<string, string>)).toThrow(message);
  });

  test('subnet lists accept commas or JSON', () => {
    expect(settings({ provider: 'eks', publicSubnetIds: 'subnet-a, subnet-b' }).eks.publicSubnetIds).toEqual(['subnet-a', 'subnet-b']);
    expect(settings({ provider: 'eks', privateSubnetIds: '["subnet-c"]' }).eks.privateSubnetIds).toEqual(['subnet-c']);
  });

  test('one GPU node starts when the service asks for a GPU, none otherwise', () => {
    const gpu = settings({ provider: 'eks' }).gpu;
    expect(gpuDesiredNodes(gpu, true)).toBe(1);
    expect(gpuDesiredNodes(gpu, false)).toBe(0);
    expect(gpuDesiredNodes({ ...gpu, minNodes: 2, maxNodes: 3 }, false)).toBe(2);
    expect(gpuDesiredNodes({ ...gpu, nodePool: false }, true)).toBe(0);
  });
});

describe('Alertmanager receivers', () => {
  test('route everything to the first receiver and the Watchdog heartbeat nowhere', () => {
    const config = alertmanagerConfig(parseReceivers('[{"name":"pager","pagerduty_configs":[{"routing_key":"k"}]},{"name":"chat"}]'));
    expect(config.route.receiver).toBe('pager');
    expect(config.route.routes).toEqual([{ receiver: 'null', matchers: ['alertname = "Watchdog"'] }]);
    expect(config.receivers.map((r) => r.name)).toEqual(['null', 'pager', 'chat']);
  });

  test('without receivers alerts go to the null receiver', () => {
    expect(alertmanagerConfig(parseReceivers(undefined)).route.receiver).toBe('null');
  });

  test('invalid receivers are refused without echoing the secret', () => {
    expect(() => parseReceivers('{"url":"https://secret-token"}')).toThrow('keelson:alertmanagerReceivers = (secret): expected a JSON array');
    expect(() => parseReceivers('{"url":"https://secret-token"}')).not.toThrow(/secret-token/);
    expect(() => parseReceivers('[{"name":"a"},{"name":"a"}]')).toThrow('expected unique names');
  });
});
