/** Stack configuration: defaults per provider and messages that name the key, the value and the expectation. */
import { describe, expect, test } from 'vitest';
import { gpuDesiredNodes, resolveSettings } from '../../infra/config/settings.js';
import { alertmanagerConfig, parseReceivers } from '../../infra/monitoring/values.js';
import { argoRolloutsValues } from '../../infra/rollouts/values.js';
import { GATEWAY_API_PLUGIN_RELEASE } from '../../infra/versions.js';

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

  test('inferenceAuth and tls name Secrets; tls needs the host name its certificate is for', () => {
    const s = settings({ provider: 'eks', hostname: 'keelson.example.com', inferenceAuth: '{"secretName":"keelson-auth"}', tls: '{"secretName":"keelson-tls"}' });
    expect([s.inferenceAuth, s.tls]).toEqual([{ secretName: 'keelson-auth' }, { secretName: 'keelson-tls' }]);
    expect(settings({ provider: 'eks' })).toMatchObject({ inferenceAuth: undefined, tls: undefined });
  });

  test.each([
    [{ tls: '{"secretName":"keelson-tls"}' }, 'keelson:hostname = (unset): expected a DNS host name such as keelson.example.com: keelson:tls (Secret keelson-tls) needs the name its certificate is for'],
    [{ inferenceAuth: 'keelson-auth' }, 'keelson:inferenceAuth = "keelson-auth": expected {"secretName": "<a Kubernetes Secret name>"}, the Secret holding the bearer tokens'],
    [{ inferenceAuth: '{"secretName":"Keelson_Auth"}' }, 'keelson:inferenceAuth = "{\\"secretName\\":\\"Keelson_Auth\\"}": expected {"secretName"'],
    [{ inferenceAuth: '{"secretName":"a","key":"tokens"}' }, 'expected {"secretName": "<a Kubernetes Secret name>"}'],
    [{ hostname: 'k.example.com', tls: '{"name":"keelson-tls"}' }, 'keelson:tls = "{\\"name\\":\\"keelson-tls\\"}": expected {"secretName": "<a Kubernetes Secret name>"}, the kubernetes.io/tls Secret'],
  ])('securing the endpoint: %j is refused: %s', (values, message) => {
    expect(() => settings({ provider: 'eks', ...values })).toThrow(message);
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

describe('the Gateway API plugin of Argo Rollouts', () => {
  const SHA = 'c'.repeat(64);
  const plugin = (values: Record<string, string>) => settings({ provider: 'eks', ...values }).rolloutsPlugin;

  test('by default the controller downloads the pinned release for linux-amd64', () => {
    expect(plugin({})).toEqual({ location: GATEWAY_API_PLUGIN_RELEASE.url });
    const controller = argoRolloutsValues(plugin({}), false).controller as Record<string, unknown>;
    expect(controller.trafficRouterPlugins).toEqual([{ name: 'argoproj-labs/gatewayAPI', location: GATEWAY_API_PLUGIN_RELEASE.url }]);
    expect(controller.initContainers).toBeUndefined();
  });

  test('a mirrored download carries its sha256 into the plugin entry', () => {
    const mirrored = plugin({ rolloutsPluginLocation: 'https://artifacts.internal/gatewayapi-plugin-linux-amd64', rolloutsPluginSha256: SHA });
    expect(argoRolloutsValues(mirrored, false).controller.trafficRouterPlugins).toEqual([
      { name: 'argoproj-labs/gatewayAPI', location: 'https://artifacts.internal/gatewayapi-plugin-linux-amd64', sha256: SHA },
    ]);
  });

  test('air-gapped: an image puts the binary where the file:// location points, through an init container and an emptyDir', () => {
    const image = 'registry.internal/rollouts-plugin-trafficrouter-gatewayapi:v0.15.0';
    const fromImage = plugin({ rolloutsPluginImage: image });
    expect(fromImage).toEqual({ location: 'file:///plugins/rollouts-plugin-trafficrouter-gatewayapi', image });
    const controller = argoRolloutsValues(fromImage, true).controller;
    const [init] = controller.initContainers!;
    expect(init!.image).toBe(image);
    expect(init!.args).toEqual(['cp /bin/rollouts-plugin-trafficrouter-gatewayapi /plugins/rollouts-plugin-trafficrouter-gatewayapi']);
    expect(init!.volumeMounts).toEqual(controller.volumeMounts);
    expect(controller.volumes).toEqual([{ name: controller.volumeMounts![0]!.name, emptyDir: { sizeLimit: '256Mi' } }]);
    expect(controller.trafficRouterPlugins[0]!.location).toBe('file:///plugins/rollouts-plugin-trafficrouter-gatewayapi');
    expect(controller.nodeSelector).toEqual({ 'node-role': 'system' });
  });

  test.each([
    [{ rolloutsPluginLocation: 'ftp://mirror/plugin' }, 'keelson:rolloutsPluginLocation = "ftp://mirror/plugin": expected an https://, http:// or file:// URL'],
    [{ rolloutsPluginSha256: 'ABC' }, 'keelson:rolloutsPluginSha256 = "ABC": expected the sha256 of the plugin binary: 64 lower-case hex digits'],
    [{ rolloutsPluginLocation: 'file:///opt/plugin', rolloutsPluginSha256: SHA }, `keelson:rolloutsPluginSha256 = "${SHA}": expected no checksum with a file:// location`],
    [{ rolloutsPluginImage: 'registry.internal/plugin:v1', rolloutsPluginLocation: 'https://x/plugin' }, 'keelson:rolloutsPluginLocation = "https://x/plugin": expected a file:///plugins/… URL'],
    [{ rolloutsPluginImage: 'not an image' }, 'keelson:rolloutsPluginImage = "not an image": expected an image reference'],
  ])('%j is refused: %s', (values, message) => {
    expect(() => plugin(values as Record<string, string>)).toThrow(message);
  });

  test('a file:// location without an image is a binary baked into a custom controller image', () => {
    expect(plugin({ rolloutsPluginLocation: 'file:///opt/plugins/gatewayapi' })).toEqual({ location: 'file:///opt/plugins/gatewayapi' });
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
