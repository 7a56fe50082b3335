/**
 * `keelson deploy`: deploy/<env>.yaml → the rendered objects → server-side apply → the Argo Rollout followed to its
 * verdict. Each step is one line of progress; the outcome is a value (promoted, already deployed, rolled back).
 */
import { writeFileSync } from 'node:fs';
import { loadDeploySpec } from '../contract/deploy-spec.js';
import { isReleaseObject, renderService, type KubeObject, type RenderOptions } from '../infra/render/index.js';
import type { Cluster } from '../kubernetes/client.js';
import { DeployError } from '../kubernetes/errors.js';
import { followRollout } from '../kubernetes/follow.js';
import { ROLLOUT } from '../kubernetes/resources.js';
import { imageOf, isInProgress, isPromoted, modelOf, revisionOf, type RolloutObject } from '../kubernetes/rollout-objects.js';
import { describeEvent } from '../kubernetes/follow-lines.js';
import type { FollowOutcome, FollowState } from '../kubernetes/rollout-progress.js';
import { deploySummary } from './deploy-summary.js';
import { runStep } from '../steps/step.js';
import type { Reporter } from '../steps/reporter.js';

export interface DeployOptions {
  /** `deploy/<env>.yaml` or `--spec FILE`. */
  specFile: string;
  /** The stack's render settings (`Pulumi.<stack>.yaml`), so a release keeps them; the defaults without. */
  render?: RenderOptions;
  namespace: string;
  timeoutMs: number;
  /** Wait for a Rollout progressing toward another revision instead of refusing. */
  wait: boolean;
  pollMs?: number;
  retryForMs?: number;
  summaryFile?: string;
}

export type DeployResult =
  | { kind: 'promoted'; image: string; model: string; revision?: string }
  | { kind: 'already'; image: string; model: string; revision?: string }
  | { kind: 'rolled-back'; image: string; model: string; reason: string };

const ROLLOUT_NAME = 'keelson';

/** Runs the deploy; a refusal or a lost cluster throws, a rollback is a result (exit 2 in the CLI). */
export async function deploy(reporter: Reporter, cluster: Cluster, options: DeployOptions): Promise<DeployResult> {
  const { namespace } = options;
  const note = (message: string) => reporter.emit({ kind: 'note', level: 'info', message });
  const spec = await runStep(reporter, `load ${options.specFile}`, async () => loadDeploySpec(options.specFile), {
    summary: (s) => `${s.service.image}, model ${s.model.name}:${s.model.version}`,
  });
  const image = spec.service.image!;
  const model = `${spec.model.name}:${spec.model.version}`;
  const objects = await runStep(reporter, 'render the cluster objects', async () => renderService(spec, { ...options.render, source: options.specFile, namespace }), {
    summary: (list) => list.map((o) => `${o.kind}/${o.metadata.name}`).join(', '),
  });
  const before = await runStep(reporter, `read Rollout ${ROLLOUT_NAME} in ${namespace} on ${cluster.server}`, () => checkNotBusy(cluster, options, objects, note), {
    summary: (r) => (r ? `revision ${revisionOf(r) ?? '?'}, ${r.status?.phase ?? 'no status yet'}, stable ${imageOf(r)}` : 'none yet: first deploy'),
  });
  const generationBefore = before?.metadata.generation;
  const after = await runStep(reporter, `apply the release (server-side apply, field manager keelson)`, (progress) => applyRelease(cluster, objects, before !== undefined, progress), {
    summary: (r) => (r.metadata.generation === generationBefore ? `nothing changed (generation ${generationBefore})` : `Rollout generation ${generationBefore ?? '-'} → ${r.metadata.generation}`),
  });

  const base = { image, model };
  const finish = (result: DeployResult, state?: FollowState): DeployResult => {
    if (options.summaryFile) writeFileSync(options.summaryFile, deploySummary({ spec, specFile: options.specFile, result, state }));
    return result;
  };
  if (before && after.metadata.generation === generationBefore) {
    if (isPromoted(before)) return finish({ kind: 'already', ...base, ...revision(before) });
    if (before.status?.abort || before.status?.phase === 'Degraded') {
      const said = before.status?.message ?? 'Degraded';
      return finish({ kind: 'rolled-back', ...base, reason: `this spec was already rolled back (${said}); to run its canary again: keelson deploy retry` });
    }
  }
  const followed = await runStep(reporter, `follow Rollout ${ROLLOUT_NAME} to its verdict`, (progress) =>
    followRollout({
      cluster, namespace, name: ROLLOUT_NAME, timeoutMs: options.timeoutMs,
      ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
      ...(options.retryForMs !== undefined ? { retryForMs: options.retryForMs } : {}),
      onEvent: (event) => note(describeEvent(event)),
      onNote: (message) => progress(message),
    }), { summary: (f) => f.outcome.kind });
  return finish(resultOf(followed.outcome, base), followed.state);
}

/**
 * The release objects (RELEASE_KINDS: Rollout, AnalysisTemplate, the judge's Deployment, HPA) are applied with
 * force: after the first `pulumi up` they are the pipeline's, and Pulumi's field manager still holds the fields it
 * created. An existing Rollout is applied without `spec.replicas`, which the HPA moves. Every other object follows
 * the stack's settings: created when missing (a cluster without `pulumi up`), otherwise left to the stack.
 */
async function applyRelease(cluster: Cluster, objects: KubeObject[], rolloutExists: boolean, progress: (line: string) => void): Promise<RolloutObject> {
  let rollout: KubeObject | undefined;
  for (const object of objects) {
    const name = `${object.kind}/${object.metadata.name}`;
    if (!isReleaseObject(object)) {
      if (await cluster.get(object, object.metadata.namespace ?? 'default', object.metadata.name)) {
        progress(`${name}: exists, the stack's (kept)`);
        continue;
      }
      progress(`${name}: created`);
      await cluster.apply(object);
      continue;
    }
    progress(name);
    const applied = await cluster.apply(object.kind === ROLLOUT.kind && rolloutExists ? withoutReplicas(object) : object, { force: true });
    if (object.kind === ROLLOUT.kind) rollout = applied;
  }
  return rollout as unknown as RolloutObject;
}

function withoutReplicas(rollout: KubeObject): KubeObject {
  const spec = { ...(rollout.spec as Record<string, unknown>) };
  delete spec.replicas;
  return { ...rollout, spec };
}

function resultOf(outcome: FollowOutcome, base: { image: string; model: string }): DeployResult {
  if (outcome.kind === 'promoted') return { kind: 'promoted', ...base, ...(outcome.revision ? { revision: outcome.revision } : {}) };
  return { kind: 'rolled-back', ...base, reason: outcome.reason };
}

function revision(rollout: RolloutObject): { revision?: string } {
  const r = revisionOf(rollout);
  return r ? { revision: r } : {};
}

/** The Rollout as it is; refuses (or with --wait, waits) while it progresses toward a revision other than this spec's. */
async function checkNotBusy(cluster: Cluster, options: DeployOptions, objects: KubeObject[], note: (m: string) => void): Promise<RolloutObject | undefined> {
  const desired = objects.find((o) => o.kind === ROLLOUT.kind) as unknown as RolloutObject;
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const current = await cluster.get<RolloutObject>(ROLLOUT, options.namespace, ROLLOUT_NAME);
    if (!current || !isInProgress(current) || sameRevision(current, desired)) return current;
    const where = `revision ${revisionOf(current) ?? '?'} (${imageOf(current)}, model ${modelOf(current)}), ${current.status?.phase} at step ${(current.status?.currentStepIndex ?? 0) + 1}`;
    if (!options.wait) {
      throw new DeployError(
        `Rollout ${ROLLOUT_NAME} in ${options.namespace} is progressing toward another ${where}: wait for it (rerun with --wait) or abort it (keelson deploy abort --namespace ${options.namespace})`,
      );
    }
    if (Date.now() > deadline) throw new DeployError(`--wait: ${where} did not finish within the --timeout; nothing was applied`);
    note(`waiting for ${where} to finish (--wait)`);
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 2_000));
  }
}

function sameRevision(current: RolloutObject, desired: RolloutObject): boolean {
  return imageOf(current) === imageOf(desired) && modelOf(current) === modelOf(desired);
}
