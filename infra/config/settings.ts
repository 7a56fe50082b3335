/**
 * Stack configuration as plain data: every `keelson:*` key, its default per provider, and validation with
 * messages that name the key, the value and what was expected. No Pulumi here; `infra/config/index.ts`
 * feeds it from `pulumi.Config` (secrets stay Outputs and are read there).
 */
import { parseDuration } from '../../contract/duration.js';
import { GATEWAY_API_PLUGIN_RELEASE } from '../versions.js';

const PROVIDERS = ['eks', 'gke', 'existing'] as const;
export type ClusterProvider = (typeof PROVIDERS)[number];

/** A stack setting that cannot work. */
export class InfraConfigError extends Error {
  constructor(key: string, value: unknown, expected: string) {
    super(`keelson:${key} = ${value === undefined ? '(unset)' : JSON.stringify(value)}: expected ${expected}`);
    this.name = 'InfraConfigError';
  }
}

export interface EksSettings {
  clusterName: string;
  kubernetesVersion?: string;
  systemInstanceType: string;
  systemNodeCount: number;
  vpcId?: string;
  publicSubnetIds?: string[];
  privateSubnetIds?: string[];
}

export interface GkeSettings {
  clusterName: string;
  location: string;
  kubernetesVersion?: string;
  systemMachineType: string;
  systemNodeCount: number;
}

export interface GpuSettings {
  /** Create a GPU node pool (EKS/GKE only). */
  nodePool: boolean;
  instanceType: string;
  /** GKE accelerator type, e.g. `nvidia-l4`. */
  accelerator: string;
  minNodes: number;
  maxNodes: number;
  /** Install the NVIDIA GPU Operator (device plugin + DCGM exporter). */
  operator: boolean;
  /** The nodes' image already ships the driver and container toolkit. */
  driverPreinstalled: boolean;
}

/** Where the Argo Rollouts controller gets the Gateway API traffic-router plugin. */
export interface RolloutsPluginSettings {
  /** `https://…` (downloaded at controller start) or `file://…` (a binary already in the controller pod). */
  location: string;
  /** Checked by the controller for http(s) downloads only. */
  sha256?: string;
  /** Image an init container copies the binary from, for a `file://` location (air-gapped clusters). */
  image?: string;
}

/** The controller pod's volume for plugins an init container supplies, and the default file in it. */
export const PLUGIN_DIR = '/plugins';
const PLUGIN_DIR_URL = `file://${PLUGIN_DIR}/`;
export const PLUGIN_FILE_LOCATION = `${PLUGIN_DIR_URL}rollouts-plugin-trafficrouter-gatewayapi`;

/** A Secret in the service namespace named by a stack setting (`{"secretName": "…"}`). */
export interface SecretRef {
  secretName: string;
}

export interface InfraSettings {
  provider: ClusterProvider;
  stack: string;
  namespace: string;
  deploySpecPath: string;
  drainTimeoutMs: number;
  preStopSleepMs: number;
  logLevel: string;
  maxReplicas: number;
  hostname?: string;
  /** Bearer tokens for the inference routes: Secret with key `tokens`, one token per line (see docs/infrastructure.md). */
  inferenceAuth?: SecretRef;
  /** TLS at the Gateway: a `kubernetes.io/tls` Secret for `hostname` (e.g. issued by cert-manager). */
  tls?: SecretRef;
  /** Existing GatewayClass to use; unset installs Envoy Gateway (EKS, existing) or uses GKE's class. */
  gatewayClassName?: string;
  kibanaUrl: string;
  /** Namespace of the gateway's proxies when `gatewayClassName` names your own controller. */
  gatewayNamespace: string;
  /** Base URL of the alert runbooks (docs/runbooks.md); alerts link `<base>#runbook-<alert>`. */
  runbookBaseUrl?: string;
  /** Kubeconfig context for `existing` (the file's current context when unset). */
  kubeContext?: string;
  eks: EksSettings;
  gke: GkeSettings;
  gpu: GpuSettings;
  rolloutsPlugin: RolloutsPluginSettings;
  monitoring: { prometheusRetention: string; prometheusStorageSize: string; grafanaStorageSize: string };
  logging: {
    enabled: boolean;
    elasticVersion: string;
    elasticNodeCount: number;
    storageSize: string;
    storageClass?: string;
    retentionDays: number;
    kibanaCount: number;
  };
}

/** Reads one raw string setting (Pulumi config values arrive as strings). */
export type ConfigReader = (key: string) => string | undefined;

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
/** A DNS-1123 subdomain, as Kubernetes names Secrets. */
const SECRET_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUANTITY = /^\d+(?:\.\d+)?(?:Ki|Mi|Gi|Ti)$/;

/** Applies defaults and validates; `stack` is the Pulumi stack name. */
export function resolveSettings(get: ConfigReader, stack: string): InfraSettings {
  const read = reader(get);
  const provider = read.oneOf('provider', PROVIDERS);
  const cloud = provider !== 'existing';
  const clusterName = read.string('clusterName', `keelson-${stack}`, /^[a-z][a-z0-9-]{0,38}$/, 'a lower-case name (≤ 39 characters)');
  const drainTimeoutMs = read.duration('drainTimeout', '10s');
  const preStopSleepMs = read.duration('preStopSleep', '5s');
  const gpuMin = read.int('gpuMinNodes', 0, 0);
  const hostname = read.optional('hostname', /^[a-z0-9.-]+$/, 'a DNS host name such as keelson.example.com');
  const tls = read.secretRef('tls', 'the kubernetes.io/tls Secret the Gateway presents, e.g. {"secretName":"keelson-tls"}');
  if (tls && hostname === undefined) throw new InfraConfigError('hostname', undefined, `a DNS host name such as keelson.example.com: keelson:tls (Secret ${tls.secretName}) needs the name its certificate is for`);
  return {
    provider,
    stack,
    namespace: read.string('namespace', 'keelson', /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a Kubernetes namespace name'),
    deploySpecPath: read.string('deploySpec', `deploy/${stack}.yaml`, /\.ya?ml$/, 'a path to a deploy/<env>.yaml file'),
    drainTimeoutMs,
    preStopSleepMs,
    logLevel: read.oneOf('logLevel', LOG_LEVELS, 'info'),
    maxReplicas: read.int('maxReplicas', 10, 1),
    hostname,
    inferenceAuth: read.secretRef('inferenceAuth', 'the Secret holding the bearer tokens (key "tokens"), e.g. {"secretName":"keelson-auth"}'),
    tls,
    gatewayClassName: read.optional('gatewayClassName', /^[a-z0-9][a-z0-9.-]*$/, 'a GatewayClass name'),
    kibanaUrl: read.string('kibanaUrl', 'https://localhost:5601', /^https?:\/\/\S+$/, 'an http(s) URL'),
    gatewayNamespace: read.string('gatewayNamespace', 'envoy-gateway-system', /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a namespace name'),
    runbookBaseUrl: read.optional('runbookBaseUrl', /^[^\s#]+$/, 'a URL without spaces or "#"'),
    kubeContext: read.optional('kubeContext', /^\S+$/, 'a context name from the kubeconfig'),
    eks: {
      clusterName,
      kubernetesVersion: read.optional('kubernetesVersion', /^1\.\d+$/, 'a minor version such as 1.33'),
      systemInstanceType: read.string('systemInstanceType', 't3.large'),
      systemNodeCount: read.int('systemNodeCount', 2, 1),
      vpcId: read.optional('vpcId', /^vpc-[0-9a-f]+$/, 'a VPC id such as vpc-0abc123'),
      publicSubnetIds: read.list('publicSubnetIds'),
      privateSubnetIds: read.list('privateSubnetIds'),
    },
    gke: {
      clusterName,
      location: read.string('location', 'us-central1-a'),
      kubernetesVersion: read.optional('kubernetesVersion', /^1\.\d+$/, 'a minor version such as 1.33'),
      systemMachineType: read.string('systemInstanceType', 'e2-standard-4'),
      systemNodeCount: read.int('systemNodeCount', 2, 1),
    },
    gpu: {
      nodePool: cloud && read.bool('gpuNodePool', true),
      instanceType: read.string('gpuInstanceType', provider === 'gke' ? 'g2-standard-4' : 'g5.xlarge'),
      accelerator: read.string('gpuAccelerator', 'nvidia-l4'),
      minNodes: gpuMin,
      maxNodes: read.int('gpuMaxNodes', 2, Math.max(1, gpuMin)),
      operator: read.bool('gpuOperator', cloud),
      driverPreinstalled: provider === 'existing' ? read.bool('gpuDriverPreinstalled', true) : true,
    },
    rolloutsPlugin: rolloutsPluginSettings(read),
    monitoring: {
      prometheusRetention: read.string('prometheusRetention', '15d', /^\d+[hdwy]$/, 'a Prometheus retention such as 15d'),
      prometheusStorageSize: read.string('prometheusStorageSize', '50Gi', QUANTITY, 'a size such as 50Gi'),
      grafanaStorageSize: read.string('grafanaStorageSize', '10Gi', QUANTITY, 'a size such as 10Gi'),
    },
    logging: {
      enabled: read.bool('logging', true),
      elasticVersion: read.string('elasticVersion', '8.19.0', /^\d+\.\d+\.\d+$/, 'a stack version such as 8.19.0'),
      elasticNodeCount: read.int('elasticNodeCount', cloud ? 3 : 1, 1),
      storageSize: read.string('elasticStorageSize', '50Gi', QUANTITY, 'a size such as 50Gi'),
      storageClass: read.optional('storageClass', /^[a-z0-9][a-z0-9.-]*$/, 'a StorageClass name'),
      retentionDays: read.int('logRetentionDays', 7, 1),
      kibanaCount: read.int('kibanaCount', 1, 1),
    },
  };
}

/**
 * The plugin's location: the pinned release URL by default; with `rolloutsPluginImage`, the file an init container
 * copies out of that image. A checksum only means something for a download, an image only for a file.
 */
function rolloutsPluginSettings(read: ReturnType<typeof reader>): RolloutsPluginSettings {
  const image = read.optional('rolloutsPluginImage', /^[a-z0-9][\w./:@-]*$/, 'an image reference such as registry.internal/rollouts-plugin-trafficrouter-gatewayapi@sha256:<digest>');
  const fallback = image === undefined ? GATEWAY_API_PLUGIN_RELEASE.url : PLUGIN_FILE_LOCATION;
  const location = read.string('rolloutsPluginLocation', fallback, /^(https?|file):\/\/\S+$/, 'an https://, http:// or file:// URL of the gatewayapi-plugin binary');
  const sha256 = read.optional('rolloutsPluginSha256', /^[0-9a-f]{64}$/, 'the sha256 of the plugin binary: 64 lower-case hex digits');
  const download = !location.startsWith('file://');
  if (sha256 !== undefined && !download) {
    throw new InfraConfigError('rolloutsPluginSha256', sha256, `no checksum with a file:// location (${location}): Argo Rollouts checks it for downloads only`);
  }
  if (image !== undefined && !location.startsWith(PLUGIN_DIR_URL)) {
    throw new InfraConfigError('rolloutsPluginLocation', location, `a ${PLUGIN_DIR_URL}… URL (the volume the init container copies into from keelson:rolloutsPluginImage), such as ${PLUGIN_FILE_LOCATION}, or unset`);
  }
  return { location, ...(sha256 === undefined ? {} : { sha256 }), ...(image === undefined ? {} : { image }) };
}

function reader(get: ConfigReader) {
  const raw = (key: string) => {
    const value = get(key);
    return value === undefined || value === '' ? undefined : value;
  };
  return {
    string(key: string, fallback: string, pattern?: RegExp, expected = 'a non-empty string'): string {
      const value = raw(key) ?? fallback;
      if (pattern && !pattern.test(value)) throw new InfraConfigError(key, value, expected);
      return value;
    },
    optional(key: string, pattern: RegExp, expected: string): string | undefined {
      const value = raw(key);
      if (value !== undefined && !pattern.test(value)) throw new InfraConfigError(key, value, expected);
      return value;
    },
    oneOf<T extends string>(key: string, allowed: readonly T[], fallback?: T): T {
      const value = raw(key) ?? fallback;
      if (!allowed.includes(value as T)) throw new InfraConfigError(key, value, `one of ${allowed.join(', ')}`);
      return value as T;
    },
    int(key: string, fallback: number, min: number): number {
      const text = raw(key);
      const value = text === undefined ? fallback : Number(text);
      if (!Number.isInteger(value) || value < min) throw new InfraConfigError(key, text ?? value, `a whole number ≥ ${min}`);
      return value;
    },
    bool(key: string, fallback: boolean): boolean {
      const text = raw(key);
      if (text === undefined) return fallback;
      if (text !== 'true' && text !== 'false') throw new InfraConfigError(key, text, 'true or false');
      return text === 'true';
    },
    duration(key: string, fallback: string): number {
      const text = raw(key) ?? fallback;
      const ms = parseDuration(text, 'rejected');
      if (ms === undefined) throw new InfraConfigError(key, text, 'a duration such as "10s" or "1m30s"');
      return ms;
    },
    /** `{"secretName": "<name>"}` (`pulumi config set --path keelson:<key>.secretName <name>`). */
    secretRef(key: string, expected: string): SecretRef | undefined {
      const text = raw(key);
      if (text === undefined) return undefined;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        value = undefined;
      }
      const ok =
        value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).join() === 'secretName' &&
        typeof (value as SecretRef).secretName === 'string' && SECRET_NAME.test((value as SecretRef).secretName);
      if (!ok) throw new InfraConfigError(key, text, `{"secretName": "<a Kubernetes Secret name>"}, ${expected}`);
      return { secretName: (value as SecretRef).secretName };
    },
    list(key: string): string[] | undefined {
      const text = raw(key);
      if (text === undefined) return undefined;
      let items: unknown;
      try {
        items = text.trim().startsWith('[') ? JSON.parse(text) : text.split(',').map((s) => s.trim());
      } catch {
        items = undefined;
      }
      if (!Array.isArray(items) || items.some((i) => typeof i !== 'string' || i === '')) {
        throw new InfraConfigError(key, text, 'a comma-separated list or JSON array of ids');
      }
      return items as string[];
    },
  };
}

/** GPU nodes to start with: the configured minimum, but at least one when the service asks for a GPU. */
export function gpuDesiredNodes(gpu: GpuSettings, serviceWantsGpu: boolean): number {
  return Math.min(gpu.maxNodes, Math.max(gpu.minNodes, serviceWantsGpu && gpu.nodePool ? 1 : 0));
}
