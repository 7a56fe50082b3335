/**
 * Bearer tokens in the cluster: the Rollout's pod template mounts a Secret (key `tokens`, one token per line) and
 * passes it as `--auth-token-file`; `keelson serve` re-reads the file as the kubelet updates it, so a token is
 * rotated by editing the Secret (docs/infrastructure.md#securing-the-endpoint). Pure.
 */
import type { KubeObject } from './kube-object.js';

/** Where the Secret is mounted, its key (the file name under the mount) and the flag's value. */
export const AUTH_MOUNT_PATH = '/var/run/secrets/keelson/auth';
export const AUTH_SECRET_KEY = 'tokens';
export const AUTH_TOKEN_FILE = `${AUTH_MOUNT_PATH}/${AUTH_SECRET_KEY}`;
export const AUTH_TOKEN_FLAG = '--auth-token-file';
const AUTH_VOLUME = 'auth-tokens';
/** Read-only for root and the pod's fsGroup (the service's gid 10001): the service runs as uid 10001, not root. */
const AUTH_FILE_MODE = 0o440;
const SERVICE_CONTAINER = 'keelson';

interface Container {
  name: string;
  args?: string[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface PodSpec {
  containers: Container[];
  volumes?: object[];
}

/**
 * The Rollout with the token Secret mounted into the service container. A projected volume, not `subPath` (the
 * kubelet never updates a subPath mount), so a changed Secret reaches the file within the kubelet's sync period.
 */
export function withInferenceAuth(rollout: KubeObject, secretName: string): KubeObject {
  const spec = rollout.spec as { template: { spec: PodSpec } };
  const pod = spec.template.spec;
  const containers = pod.containers.map((c) =>
    c.name !== SERVICE_CONTAINER
      ? c
      : {
          ...c,
          args: [...(c.args ?? []), AUTH_TOKEN_FLAG, AUTH_TOKEN_FILE],
          volumeMounts: [...(c.volumeMounts ?? []), { name: AUTH_VOLUME, mountPath: AUTH_MOUNT_PATH, readOnly: true }],
        },
  );
  if (!containers.some((c) => c.name === SERVICE_CONTAINER)) throw new Error(`Rollout ${rollout.metadata.name}: no container "${SERVICE_CONTAINER}" to pass ${AUTH_TOKEN_FLAG} to`);
  const volume = {
    name: AUTH_VOLUME,
    projected: { defaultMode: AUTH_FILE_MODE, sources: [{ secret: { name: secretName, items: [{ key: AUTH_SECRET_KEY, path: AUTH_SECRET_KEY }] } }] },
  };
  return { ...rollout, spec: { ...spec, template: { ...spec.template, spec: { ...pod, containers, volumes: [...(pod.volumes ?? []), volume] } } } };
}

/** Whether a container's arguments turn bearer auth on (`--auth-token-file PATH` or `--auth-token-file=PATH`). */
export function passesAuthTokenFile(args: readonly unknown[] | undefined): boolean {
  return (args ?? []).some((a, i, all) => (a === AUTH_TOKEN_FLAG && typeof all[i + 1] === 'string') || (typeof a === 'string' && a.startsWith(`${AUTH_TOKEN_FLAG}=`)));
}
