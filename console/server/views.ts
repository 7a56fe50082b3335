import type { Overview, RolloutSummary } from '../api-schema.js';
import type { GitopsStatus } from '../../gitops/status.js';
import type { PlatformState } from '../../platform/state.js';
import type { RolloutRecordBook } from '../../rollout/timeline.js';

/** The commit subject, looked up on demand (git is slow next to a JSON read). */
export type CommitSubject = (commit: string) => string | null;

/** Rollout summaries (newest first) from the journals and the platform's record of what is still running. */
export function summarize(book: RolloutRecordBook, state: PlatformState | null): RolloutSummary {
  const running = state?.rollout?.id === book.id;
  const end = state?.lastRollout?.id === book.id ? state.lastRollout : null;
  const outcome = book.outcome ?? end?.outcome ?? null;
  const endedAt = book.endedAt ?? end?.at ?? null;
  return {
    id: book.id,
    model: book.model,
    fromVersion: book.fromVersion,
    toVersion: book.toVersion,
    startedAt: book.startedAt,
    endedAt,
    durationMs: endedAt ? Date.parse(endedAt) - Date.parse(book.startedAt) : null,
    outcome,
    running,
    reason: book.reason ?? end?.reason ?? (running ? null : outcome ? null : 'the controller stopped without a verdict'),
    decidedBy: book.decidedBy ?? end?.decidedBy ?? null,
  };
}

/** The "Now" page: what serves, the rollout in progress, GitOps, the latest verdicts. */
export function overview(state: PlatformState, running: boolean, gitops: GitopsStatus | null, books: RolloutRecordBook[], subject: CommitSubject): Overview {
  const verdicts = books.flatMap((b) =>
    [...b.samples].reverse().slice(0, 3).map((s) => ({
      rolloutId: b.id,
      t: s.t,
      decision: s.verdict?.decision ?? null,
      reason: s.verdict ? (s.verdict.reasons[0] ?? s.verdict.decision) : `no data: ${s.sourceError ?? 'the metric source failed'}`,
    })),
  );
  const r = state.rollout;
  const l = state.lastRollout;
  return {
    platform: { running, pid: state.platform?.pid ?? null, routerUrl: state.platform?.routerUrl ?? null, startedAt: state.platform?.startedAt ?? null },
    model: state.model,
    stable: state.stable.version,
    canary: state.canary?.version ?? null,
    weights: state.weights,
    instances: state.instances.map((i) => ({ name: i.name, role: i.role, version: i.version, status: i.status, url: i.url, pid: i.pid, ...(i.detail ? { detail: i.detail } : {}) })),
    rollout: r ? { id: r.id, fromVersion: r.fromVersion, toVersion: r.toVersion, phase: r.phase, step: r.step, stepCount: r.stepCount, lastDecision: r.lastDecision ?? null, lastReasons: r.lastReasons ?? [] } : null,
    lastRollout: l ? { id: l.id, outcome: l.outcome, reason: l.reason, decidedBy: l.decidedBy ?? null, at: l.at, toVersion: l.toVersion } : null,
    gitops: gitops
      ? {
          phase: gitops.phase,
          branch: gitops.branch,
          environment: gitops.environment,
          live: gitops.live ? { version: gitops.live.model.version, commit: gitops.live.commit, subject: gitops.live.commit ? subject(gitops.live.commit) : null } : null,
          deploying: gitops.deploying ? { commit: gitops.deploying.commit, version: gitops.deploying.model.version, subject: subject(gitops.deploying.commit) } : null,
          failure: gitops.failure,
        }
      : null,
    verdicts: verdicts.slice(0, 8),
  };
}
