import { PlatformClient } from '../platform/client.js';
import { instanceLogPath, keelsonPaths, type KeelsonPaths } from '../contract/keelson-paths.js';
import type { InstanceRecord, RolloutEnd } from '../platform/state.js';
import type { Reporter } from '../steps/index.js';
import { systemClock, type Clock } from './clock.js';
import { promoteWithinWindow, rollbackWindowMatch, rollbackWindowReason } from './rollback-window.js';
import { writeRolloutReports } from './report/write.js';
import { rolloutJournal } from './journal.js';
import { drive } from './controller.js';
import { PolicyError, RolloutConflict } from './errors.js';
import { judgeFor, sourceFor, type Judge, type MetricSource } from './judge-port.js';
import type { RolloutDecider } from '../contract/decisions.js';
import { PlatformConflict, PlatformNotFound, PlatformUnavailable, PlatformUnreachable, type RolloutPlatform } from './platform-port.js';
import { DEFAULT_ROLLOUT_POLICY, type RolloutPolicy } from './policy.js';
import { newRolloutId } from './rollout-id.js';
import type { RolloutRecordBook } from './timeline.js';

export interface RunRolloutOptions {
  model: string;
  version: string;
  policy?: RolloutPolicy;
  /** The platform's directory (`.keelson/` by default); its state.json says where the control API is. */
  paths?: KeelsonPaths;
  /** Traffic and instances; default: a `PlatformClient` for the platform running from `paths`. */
  client?: RolloutPlatform;
  /** Default: the system clock. */
  clock?: Clock;
  /** Judge with Prometheus at this URL instead of scraping the arms directly. */
  prometheusUrl?: string;
  /** Where `<rollout-id>.md` and `.html` go (default `reports`). */
  reportsDir?: string;
  /** Progress output; silent by default (the CLI passes a spinner / plain-line reporter). */
  reporter?: Reporter;
  /** Aborting rolls back. */
  signal?: AbortSignal;
  id?: string;
  /** Replaces the metric source (tests of the no-data path). */
  createSource?: (arms: { baselineUrl: string; canaryUrl: string; model: string }) => MetricSource;
  pollMs?: number;
}

/** How a rollout ended. */
export interface RolloutResult {
  id: string;
  model: string;
  fromVersion: string;
  toVersion: string;
  /** `unfinished`: the controller stopped and could not roll back either (the platform stayed unreachable). */
  outcome: 'promoted' | 'rolled-back' | 'unfinished';
  /** Who ended it: only `judge` means canary analysis decided about the canary. */
  decidedBy: RolloutDecider;
  reason: string;
  durationMs: number;
  /** Decision to traffic switched, in ms (the platform's clock). */
  switchMs: number | null;
  /** Earlier rollout found orphaned (its controller died) and rolled back before this one started. */
  resolvedOrphan: string | null;
  reports: { markdown: string; html: string };
}

/**
 * Runs one canary rollout against the running platform, start to finish: start canary and baseline,
 * shift weights step by step while the judge looks, promote or roll back, write the reports.
 * Throws only when it cannot start (bad policy, no platform, a rollout already running).
 */
export async function runRollout(options: RunRolloutOptions): Promise<RolloutResult> {
  const policy = options.policy ?? { ...DEFAULT_ROLLOUT_POLICY, steps: [...DEFAULT_ROLLOUT_POLICY.steps] };
  const paths = options.paths ?? keelsonPaths();
  let judge: Judge;
  try {
    judge = judgeFor(policy.judge);
  } catch (error) {
    throw new PolicyError('policy', [`'judge': ${(error as Error).message}`]);
  }
  const client = options.client ?? PlatformClient.locate(paths);
  const clock = options.clock ?? systemClock;
  const reporter = options.reporter ?? { emit: () => {}, close: () => {} };
  const id = options.id ?? newRolloutId(options.model, options.version);
  const started = clock.now();
  const isoNow = (): string => new Date(clock.now()).toISOString();

  let claim;
  try {
    claim = await client.beginRollout({ id, model: options.model, toVersion: options.version, ownerPid: process.pid, stepCount: policy.steps.length });
  } catch (error) {
    if (error instanceof PlatformConflict) throw new RolloutConflict(error.message, String(error.details.runningId ?? ''));
    throw error;
  }
  const { record, resolved } = claim;
  if (resolved) reporter.emit({ kind: 'note', level: 'warn', message: `rollout ${resolved.id} had been left orphaned: ${resolved.reason}` });
  reporter.emit({ kind: 'note', level: 'info', message: `rollout ${id}: ${options.model}:${record.fromVersion} → ${options.version}` });

  const book: RolloutRecordBook = {
    id,
    model: options.model,
    fromVersion: record.fromVersion,
    toVersion: options.version,
    startedAt: new Date(started).toISOString(),
    endedAt: null,
    outcome: null,
    reason: null,
    decidedBy: null,
    switchMs: null,
    policy: { steps: policy.steps, intervalMs: policy.intervalMs, minStepRequests: policy.minStepRequests, readyTimeoutMs: policy.readyTimeoutMs, analysisTimeoutMs: policy.analysisTimeoutMs },
    source: options.prometheusUrl ? `prometheus ${options.prometheusUrl}` : 'scrape',
    samples: [],
    events: [],
  };
  const journal = rolloutJournal(paths.rollouts, book);
  journal.sync();

  const known = await client.view().then((v) => v.state.knownGood ?? []);
  const match = rollbackWindowMatch(known, record, policy.rollbackWindow);
  if (match) {
    const reason = rollbackWindowReason(options.model, match, policy.rollbackWindow);
    const progress = (detail: string) => reporter.emit({ kind: 'progress', step: 'rollout', detail });
    reporter.emit({ kind: 'start', step: 'rollout' });
    const { end, decidedBy } = await promoteWithinWindow({ client, clock, id, model: options.model, version: options.version, reason, readyTimeoutMs: policy.readyTimeoutMs, pollMs: options.pollMs ?? 250, progress, ...(options.signal ? { signal: options.signal } : {}) });
    reporter.emit(end.outcome === 'promoted' ? { kind: 'done', step: 'rollout', ms: clock.now() - started, detail: `promoted ${options.model}:${options.version} (rollback window)` } : { kind: 'fail', step: 'rollout', ms: clock.now() - started, message: end.reason });
    Object.assign(book, { outcome: end.outcome, decidedBy, reason: end.reason, endedAt: end.at });
    book.events.push({ t: (clock.now() - started) / 1_000, kind: end.outcome, message: end.reason });
    return finishResult(book, options, clock.now() - started, resolved?.id ?? null);
  }

  let arms: { canary: InstanceRecord; baseline: InstanceRecord };
  try {
    // Started together, so neither arm has a warm-up advantage.
    const [baseline, canary] = await Promise.all([client.startInstance('baseline', record.fromVersion), client.startInstance('canary', options.version)]);
    arms = { canary, baseline };
  } catch (error) {
    // A refused start (unknown version, no free port) is the platform's; losing the platform is the controller's.
    const decidedBy = error instanceof PlatformUnavailable ? 'controller' : 'platform';
    const end = await rollBack(client, id, `could not start canary and baseline: ${(error as Error).message}`, decidedBy);
    book.decidedBy = decidedBy;
    book.outcome = end.end ? 'rolled-back' : null;
    book.reason = end.reason;
    book.endedAt = end.end?.at ?? isoNow();
    return finishResult(book, options, clock.now() - started, resolved?.id ?? null);
  }
  book.events.push({ t: 0, kind: 'started', message: `started canary ${arms.canary.name} (${options.model}:${options.version}) and baseline ${arms.baseline.name} (${options.model}:${record.fromVersion})` });

  const createSource = (): MetricSource => {
    const urls = { baselineUrl: arms.baseline.url, canaryUrl: arms.canary.url, model: options.model };
    return options.createSource ? options.createSource(urls) : sourceFor(urls, options.prometheusUrl);
  };
  let outcome;
  try {
    outcome = await drive({
      id,
      policy,
      platform: client,
      clock,
      judge,
      source: createSource,
      names: { canary: arms.canary.name, baseline: arms.baseline.name },
      logOf: (instance) => instanceLogPath(paths, instance),
      book,
      reporter,
      ...(options.signal ? { signal: options.signal } : {}),
      pollMs: options.pollMs ?? 250,
      onPoll: journal.sync,
    });
  } catch (error) {
    // The controller itself failed (the platform stayed unreachable...): nothing was decided about the canary;
    // leave traffic on stable if the platform lets us.
    const lost = error instanceof PlatformUnreachable ? 'the rollout controller lost the platform' : 'the rollout controller failed';
    const { end, reason } = await rollBack(client, id, `${lost}: ${(error as Error).message}`, 'controller');
    outcome = { state: { phase: end ? ('rolled-back' as const) : null, reason, decidedBy: 'controller' as const }, end };
  }
  const { state, end } = outcome;
  book.outcome = state.phase === 'promoted' ? 'promoted' : state.phase === 'rolled-back' ? 'rolled-back' : null;
  book.decidedBy = state.decidedBy ?? 'controller';
  book.reason = end?.reason ?? state.reason ?? 'ended';
  book.endedAt = end?.at ?? isoNow();
  book.events.push({ t: (clock.now() - started) / 1_000, kind: book.outcome ?? 'note', message: book.reason });
  return finishResult(book, options, clock.now() - started, resolved?.id ?? null);
}

/**
 * The controller's last act when it cannot go on: all traffic back to stable, through the same retrying
 * client. `end` is null when the platform did not answer; the reason then says traffic may still be split.
 */
async function rollBack(client: RolloutPlatform, id: string, why: string, decidedBy: RolloutDecider): Promise<{ end: RolloutEnd | null; reason: string }> {
  try {
    const end = await client.finish(id, 'rollback', `${why}; rolled back to stable`, decidedBy);
    return { end, reason: end.reason };
  } catch (error) {
    if (error instanceof PlatformNotFound) {
      const last = await client.view().then((v) => v.state.lastRollout, () => null);
      if (last?.id === id) return { end: last, reason: `${why}; meanwhile the rollout ended elsewhere: ${last.outcome}: ${last.reason}` };
    }
    return {
      end: null,
      reason: `${why}; could not roll back either (${(error as Error).message}): traffic may still be split; the platform rolls it back once this process exits, or run \`keelson rollback\``,
    };
  }
}

function finishResult(book: RolloutRecordBook, options: RunRolloutOptions, durationMs: number, resolvedOrphan: string | null): RolloutResult {
  rolloutJournal((options.paths ?? keelsonPaths()).rollouts, book).sync();
  const reports = writeRolloutReports(book, options.reportsDir ?? 'reports');
  return {
    id: book.id,
    model: book.model,
    fromVersion: book.fromVersion,
    toVersion: book.toVersion,
    outcome: book.outcome ?? 'unfinished',
    decidedBy: book.decidedBy ?? 'controller',
    reason: book.reason ?? 'ended',
    durationMs,
    switchMs: book.switchMs,
    resolvedOrphan,
    reports,
  };
}
