/** Turns an API server's answer (a `Status` object) or a failed connection into a KubernetesError that says what to do. Pure. */
import { KubernetesError } from './errors.js';
import { groupOf, resourceName, type KindRef } from './resources.js';

/** The request that failed, for the message. */
export interface RequestContext {
  verb: 'get' | 'patch';
  ref: KindRef;
  namespace: string;
  name: string;
  subresource?: string;
  /** API server URL and kubeconfig source (never the credentials). */
  server: string;
  source: string;
}

/** The `Status` fields keelson reads (metav1.Status). */
export interface Status {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string; causes?: { type?: string; message?: string; field?: string }[] };
}

/** CRD groups and what installs them. */
const INSTALLERS: Readonly<Record<string, string>> = {
  'argoproj.io': 'Argo Rollouts is not installed',
  'gateway.networking.k8s.io': 'the Gateway API is not installed',
  'monitoring.coreos.com': 'the Prometheus Operator (kube-prometheus-stack) is not installed',
};

/** The KubernetesError for a non-2xx answer. */
export function fromStatus(code: number, status: Status, ctx: RequestContext): KubernetesError {
  const resource = resourceName(ctx.ref, ctx.subresource);
  const object = `${ctx.ref.kind} ${ctx.name}`;
  const said = status.message ?? `HTTP ${code}`;
  switch (code) {
    case 401:
      return new KubernetesError('unauthorized', `the API server at ${ctx.server} refused the credentials from ${ctx.source} (401 Unauthorized): log in again or refresh the kubeconfig`);
    case 403:
      return new KubernetesError('forbidden', rbacMessage(said, ctx, resource));
    case 404: {
      if (status.details?.kind === 'namespaces') {
        return new KubernetesError('not-found', `namespace ${ctx.namespace} does not exist on ${ctx.server}: keelson deploy does not create it (pulumi up does, with its labels); create it or pass --namespace`);
      }
      if (status.details?.name === undefined) {
        const group = groupOf(ctx.ref.apiVersion);
        const installer = INSTALLERS[group] ?? `the API ${ctx.ref.apiVersion} is not served`;
        return new KubernetesError('not-installed', `${installer} (no ${resourceName(ctx.ref)}) on ${ctx.server}: install it in the cluster first (docs/infrastructure.md)`);
      }
      return new KubernetesError('not-found', `${object} not found in namespace ${ctx.namespace} on ${ctx.server}`);
    }
    case 409: {
      const conflicts = (status.details?.causes ?? []).filter((c) => c.type === 'FieldManagerConflict').map((c) => `${c.field ?? ''} (${c.message ?? ''})`.trim());
      const what = conflicts.length > 0 ? conflicts.join('; ') : said;
      return new KubernetesError(
        'conflict',
        `applying ${object} conflicts with another field manager: ${what}. keelson applies without --force-conflicts so it never takes fields silently: ` +
          'stop managing those fields in the other tool (or remove its ownership), then rerun',
      );
    }
    case 422:
      return new KubernetesError('invalid', `the API server refused ${object}: ${said}`);
    default:
      return new KubernetesError(code === 400 || code === 415 ? 'invalid' : 'server', `${ctx.verb} ${resource} ${ctx.name} in ${ctx.namespace}: ${code} ${status.reason ?? ''} ${said}`.replace(/\s+/g, ' '));
  }
}

/** The KubernetesError for a request that got no answer at all. */
export function fromNetwork(error: unknown, ctx: Pick<RequestContext, 'server' | 'source'>): KubernetesError {
  const code = (error as { code?: string }).code;
  const detail = code ?? (error instanceof Error ? error.message : String(error));
  return new KubernetesError('unreachable', `cannot reach the API server at ${ctx.server} (from ${ctx.source}): ${detail}: check that the cluster is up and that the kubeconfig points at it`);
}

/** "RBAC: system:serviceaccount:ci:deployer cannot patch rollouts/status.argoproj.io in keelson: grant …". */
function rbacMessage(said: string, ctx: RequestContext, resource: string): string {
  const match = /User "([^"]+)" cannot (\S+) resource "([^"]+)"(?: in API group "([^"]*)")?(?: in the namespace "([^"]+)")?/.exec(said);
  const user = match?.[1] ?? 'the kubeconfig user';
  const verb = match?.[2] ?? ctx.verb;
  const plural = match?.[3] ?? resource.split('.')[0]!;
  const group = match?.[4] ?? groupOf(ctx.ref.apiVersion);
  const namespace = match?.[5] ?? ctx.namespace;
  const shown = group ? `${plural}.${group}` : plural;
  return (
    `RBAC: ${user} cannot ${verb} ${shown} in ${namespace}: grant it a Role in ${namespace} with ` +
    `{apiGroups: ["${group}"], resources: ["${plural}"], verbs: ["${verb}"]} (the API server said: ${said})`
  );
}
