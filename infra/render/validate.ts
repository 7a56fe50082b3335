/** What a deploy spec must satisfy before it can become an Argo Rollouts canary in a cluster. Pure. */
import { DeploySpecError, isDigestPinned, type DeploySpec, type SpecProblem } from '../../contract/deploy-spec.js';
import { parseDuration } from '../../contract/duration.js';

/**
 * Each experiment step gives the baseline the same share as the canary (matched baseline), and both come out
 * of the stable Service's weight: baseline + canary = 2 × step must fit in 100, as on the local platform.
 */
export const MAX_CLUSTER_STEP = 50;

/** Problems that keep a schema-valid spec from being rendered for a cluster (empty: renderable). */
export function clusterSpecProblems(spec: DeploySpec): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const image = spec.service.image;
  if (image === undefined || !isDigestPinned(image)) {
    problems.push({ path: 'service.image', value: image, expected: 'an image pinned by digest (name@sha256:<64 hex digits>): the cluster runs exactly the image git names, never a tag' });
  }
  const steps = spec.rollout.steps;
  steps.forEach((step, i) => {
    const path = `rollout.steps[${i}]`;
    if (!Number.isInteger(step)) problems.push({ path, value: step, expected: 'a whole percentage (HTTPRoute weights are integers)' });
    if (step <= 0 || step > MAX_CLUSTER_STEP) {
      problems.push({ path, value: step, expected: `a percentage in (0, ${MAX_CLUSTER_STEP}]: the matched baseline gets the same share, so baseline + canary (${2 * step}) must fit in 100` });
    }
    if (i > 0 && step <= steps[i - 1]!) problems.push({ path, value: step, expected: `a step above the previous one (${steps[i - 1]}): steps must increase` });
  });
  const intervalMs = parseDuration(spec.rollout.interval, 'rejected');
  if (intervalMs === undefined || intervalMs < 1000 || intervalMs % 1000 !== 0) {
    problems.push({ path: 'rollout.interval', value: spec.rollout.interval, expected: 'whole seconds, at least 1s (Argo measures in seconds)' });
  }
  return problems;
}

/** Throws a DeploySpecError listing every problem; `source` names the spec (e.g. `deploy/production.yaml`). */
export function assertRenderable(spec: DeploySpec, source: string): void {
  const problems = clusterSpecProblems(spec);
  if (problems.length > 0) throw new DeploySpecError(source, problems);
}
