/** Typed errors of the Kubernetes adapter and of following a Rollout; `cli/errors.ts` maps them to exit statuses. */

/** What went wrong talking to the cluster; `transient` ones are retried for a bounded time by whoever follows. */
export type KubernetesErrorKind =
  | 'config' // no usable kubeconfig
  | 'unreachable' // connection refused, reset, timed out
  | 'unauthorized' // 401: the credentials were refused
  | 'forbidden' // 403: RBAC
  | 'not-installed' // 404 on a whole API group (a CRD missing)
  | 'not-found' // 404 on an object or a namespace
  | 'conflict' // 409: another field manager owns a field
  | 'invalid' // 422: the server refused the object
  | 'server'; // 5xx, 429 and anything else

/** An error the cluster (or its absence) caused; the message says what to do and never holds a credential. */
export class KubernetesError extends Error {
  constructor(
    readonly kind: KubernetesErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'KubernetesError';
  }

  /** Worth retrying: the server may come back or stop being overloaded. */
  get transient(): boolean {
    return this.kind === 'unreachable' || this.kind === 'server';
  }
}

/** A deploy that must not go on: another revision in progress, the follow timed out, the cluster stopped answering. */
export class DeployError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeployError';
  }
}
