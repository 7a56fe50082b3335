/** Reading pod specs and containers out of the resources a policy sees. Pure. */

/** Resource properties as the engine sends them to a policy: untyped JSON. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- policy inputs are untyped JSON
export type Props = Record<string, any>;

/** An Argo Rollouts Rollout, as Pulumi registers it (a CustomResource). */
export const ROLLOUT_TYPE = 'kubernetes:argoproj.io/v1alpha1:Rollout';

/** Kubernetes workload type tokens and where each keeps its pod spec. */
const POD_SPEC_PATHS: Record<string, string[]> = {
  'kubernetes:core/v1:Pod': ['spec'],
  'kubernetes:apps/v1:Deployment': ['spec', 'template', 'spec'],
  'kubernetes:apps/v1:StatefulSet': ['spec', 'template', 'spec'],
  'kubernetes:apps/v1:DaemonSet': ['spec', 'template', 'spec'],
  'kubernetes:apps/v1:ReplicaSet': ['spec', 'template', 'spec'],
  'kubernetes:batch/v1:Job': ['spec', 'template', 'spec'],
  'kubernetes:batch/v1:CronJob': ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  [ROLLOUT_TYPE]: ['spec', 'template', 'spec'],
};

/** The pod spec of a workload resource, or undefined for anything else. */
export function podSpecOf(type: string, props: Props): Props | undefined {
  const path = POD_SPEC_PATHS[type];
  if (!path) return undefined;
  let current: unknown = props;
  for (const key of path) current = (current as Props | undefined)?.[key];
  return current && typeof current === 'object' ? (current as Props) : undefined;
}

/** Init and regular containers of a pod spec. */
export function containersOf(podSpec: Props): Props[] {
  return [...(podSpec.initContainers ?? []), ...(podSpec.containers ?? [])];
}

/** `Deployment keelson-stable`: how violations name a resource. */
export function describe(type: string, props: Props, fallbackName: string): string {
  const kind = type.split(':').pop() ?? type;
  return `${kind} ${props.metadata?.name ?? fallbackName}`;
}

/** The stack name inside a URN (`urn:pulumi:<stack>::<project>::...`). */
export function stackOfUrn(urn: string): string | undefined {
  return /^urn:pulumi:([^:]+)::/.exec(urn)?.[1];
}
