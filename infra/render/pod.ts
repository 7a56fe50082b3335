/**
 * The service's pod template: container, probes, shutdown timing, security and resources. Pure: the
 * InferenceService component and the tests both call these.
 */
import type * as k8s from '@pulumi/kubernetes';
import type { DeploySpec } from '../../contract/deploy-spec.js';
import type { Variant } from '../../contract/variants.js';
import { GPU_NODE_LABELS, GPU_RESOURCE, GPU_TOLERATION } from '../gpu/scheduling.js';
import { GPU_EXECUTION_PROVIDERS } from '../../contract/execution-providers.js';
import { CONTAINER_PORT, LIVE_PATH, MODELS_DIR, PORT_NAME, PROBE_PORT, PROBE_PORT_NAME, podLabels, READY_PATH, variantSelector } from './labels.js';

type PodTemplate = k8s.types.input.core.v1.PodTemplateSpec;
type Container = k8s.types.input.core.v1.Container;
type Resources = { requests: Record<string, string>; limits: Record<string, string> };

/** UID and GID of the `keelson` user in `service/Dockerfile`. */
const SERVICE_UID = 10001;
/** Slack between the end of the drain and SIGKILL, for process exit and log flushing. */
const SHUTDOWN_SLACK_SECONDS = 5;

export interface PodInput {
  variant: Variant;
  image: string;
  model: { name: string; version: string };
  gpu: boolean;
  /** `service.executionProviders` of the deploy spec. */
  executionProviders?: readonly string[];
  resources?: DeploySpec['service']['resources'];
  drainTimeoutMs: number;
  preStopSleepMs: number;
  logLevel: string;
  serviceAccountName: string;
}

/** Seconds Kubernetes waits after deleting a pod: preStop sleep, then the drain, then slack. */
export function gracePeriodSeconds(drainTimeoutMs: number, preStopSleepMs: number): number {
  return Math.ceil((drainTimeoutMs + preStopSleepMs) / 1000) + SHUTDOWN_SLACK_SECONDS;
}

/** Requests and limits: the deploy spec's values over defaults; GPU pods ask for one GPU. */
export function resourceRequirements(resources: PodInput['resources'], gpu: boolean): Resources {
  const requests: Record<string, string> = { cpu: '500m', memory: '512Mi', ...stripUndefined(resources?.requests) };
  const limits: Record<string, string> = { cpu: '2', memory: '1Gi', ...stripUndefined(resources?.limits) };
  if (gpu) {
    // Extended resources are not overcommitted: request and limit must be equal.
    requests[GPU_RESOURCE] = '1';
    limits[GPU_RESOURCE] = '1';
  }
  return { requests, limits };
}

/**
 * Liveness, readiness and startup probes on the probe port: answered by the service's probe thread, so a serving
 * thread saturated by inference traffic does not make probes time out, and liveness fails when that thread stalls.
 */
function probes(): Pick<Container, 'livenessProbe' | 'readinessProbe' | 'startupProbe'> {
  const get = (path: string) => ({ httpGet: { path, port: PROBE_PORT_NAME } });
  return {
    // Model loading and the warm-up inference happen before "live" flips; give them a minute.
    startupProbe: { ...get(LIVE_PATH), periodSeconds: 2, failureThreshold: 30 },
    livenessProbe: { ...get(LIVE_PATH), periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
    readinessProbe: { ...get(READY_PATH), periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2 },
  };
}

/**
 * A GPU pod names its providers and requires the first: one that silently served on the CPU would pass its probes
 * at a fraction of the capacity it was sized for. A CPU pod passes providers only when the spec names them.
 */
export function executionProviderArgs(gpu: boolean, providers: readonly string[] | undefined): string[] {
  if (gpu) return ['--execution-provider', (providers ?? GPU_EXECUTION_PROVIDERS).join(','), '--require-execution-provider'];
  return providers ? ['--execution-provider', providers.join(',')] : [];
}

/** The inference container. */
function serviceContainer(input: PodInput): Container {
  return {
    name: 'keelson',
    image: input.image,
    // The image's ENTRYPOINT is `keelson serve`; the model is baked in under /models.
    args: ['--models', MODELS_DIR, '--model', `${input.model.name}:${input.model.version}`, '--host', '0.0.0.0', '--port', String(CONTAINER_PORT), '--metrics-port', String(PROBE_PORT), ...executionProviderArgs(input.gpu, input.executionProviders)],
    env: [
      { name: 'LOG_LEVEL', value: input.logLevel },
      // `keelson serve --drain-timeout` reads this; milliseconds are the one unit every duration fits.
      { name: 'KEELSON_DRAIN_TIMEOUT', value: `${input.drainTimeoutMs}ms` },
      { name: 'KEELSON_PORT', value: String(CONTAINER_PORT) },
    ],
    ports: [
      { name: PORT_NAME, containerPort: CONTAINER_PORT, protocol: 'TCP' },
      { name: PROBE_PORT_NAME, containerPort: PROBE_PORT, protocol: 'TCP' },
    ],
    ...probes(),
    // The sleep keeps the pod serving while endpoints and the gateway stop sending it traffic.
    lifecycle: { preStop: { sleep: { seconds: Math.ceil(input.preStopSleepMs / 1000) } } },
    resources: resourceRequirements(input.resources, input.gpu),
    securityContext: hardenedContainerSecurity(),
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  };
}

/** The keelson image's user, read-only root filesystem, no privilege escalation, no capabilities, RuntimeDefault seccomp. */
export function hardenedContainerSecurity(): NonNullable<Container['securityContext']> {
  return {
    runAsNonRoot: true,
    runAsUser: SERVICE_UID,
    runAsGroup: SERVICE_UID,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Pod-level security of every pod running the keelson image. */
export function hardenedPodSecurity() {
  return { runAsNonRoot: true, runAsUser: SERVICE_UID, runAsGroup: SERVICE_UID, fsGroup: SERVICE_UID };
}

/** The pod template of one variant's Deployment. */
export function podTemplate(input: PodInput): PodTemplate {
  return {
    metadata: { labels: podLabels(input.variant, input.model) },
    spec: {
      serviceAccountName: input.serviceAccountName,
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: gracePeriodSeconds(input.drainTimeoutMs, input.preStopSleepMs),
      securityContext: hardenedPodSecurity(),
      containers: [serviceContainer(input)],
      // Read-only root filesystem: tsx's transform cache and temporary files go here.
      volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }],
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: 'kubernetes.io/hostname',
          whenUnsatisfiable: 'ScheduleAnyway',
          labelSelector: { matchLabels: variantSelector(input.variant) },
        },
      ],
      ...(input.gpu ? { nodeSelector: { ...GPU_NODE_LABELS }, tolerations: [{ ...GPU_TOLERATION }] } : {}),
    },
  };
}

function stripUndefined(values: Record<string, string | undefined> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(values ?? {}).filter((e): e is [string, string] => e[1] !== undefined));
}
