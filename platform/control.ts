import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PlatformBadRequest, PlatformConflict, PlatformNotFound } from './errors.js';
import { IdempotentCalls } from './idempotency.js';
import { modelSha } from './model-sha.js';
import type { RolloutDecider } from '../contract/decisions.js';
import { ALL_STABLE, VARIANTS, type Variant, type Weights } from '../contract/variants.js';
import { isAlive, rememberKnownGood, type InstanceRecord, type PlatformState, type RolloutEnd, type RolloutOutcome, type RolloutRecord } from './state.js';
import type { StateStore } from './store.js';
import type { Supervisor } from './supervisor.js';

/** What a rollout controller declares when it starts. */
export interface RolloutClaim {
  id: string;
  model: string;
  toVersion: string;
  ownerPid: number;
  stepCount: number;
}

/** The progress a rollout controller reports as it goes. */
export type RolloutProgress = Pick<RolloutRecord, 'phase' | 'step'> & Partial<Pick<RolloutRecord, 'lastDecision' | 'lastReasons'>>;

/** The platform's operations, shared by the control API and in-process callers. */
export class PlatformControl {
  /** Instance starts and stops by idempotency key: a retried request gets the first one's answer. */
  private readonly instanceCalls = new IdempotentCalls();

  constructor(
    private readonly store: StateStore,
    private readonly supervisor: Supervisor,
    private readonly traffic: () => Promise<Record<Variant, number>>,
    private readonly modelsDir: string,
  ) {}

  state(): PlatformState {
    return this.store.get();
  }

  /** Requests answered per variant since the platform started. */
  async answered(): Promise<Record<Variant, number>> {
    return { ...(await this.traffic()) };
  }

  setWeights(weights: Weights): PlatformState {
    validateWeights(weights);
    const state = this.store.update((s) => ({ ...s, weights: { ...weights } }));
    this.store.record('weights', `weights stable ${weights.stable}% baseline ${weights.baseline}% canary ${weights.canary}%`, state.rollout?.id);
    return state;
  }

  /** Starts an instance; a repeat with the same `idempotencyKey` returns the first call's instance instead of a second one. */
  startInstance(role: Variant, version: string, idempotencyKey?: string): Promise<InstanceRecord> {
    if (!VARIANTS.includes(role)) throw new PlatformBadRequest(`'role' is ${JSON.stringify(role)}: expected one of ${VARIANTS.join(', ')}`);
    if (!/^[A-Za-z0-9._-]+$/.test(version)) throw new PlatformBadRequest(`'version' is ${JSON.stringify(version)}: expected a model version such as 2`);
    return this.instanceCalls.run(idempotencyKey, () => this.supervisor.start(role, this.store.get().model, version));
  }

  /** Stops an instance; a repeat with the same `idempotencyKey` succeeds even though the instance is gone by then. */
  stopInstance(name: string, reason: string, idempotencyKey?: string): Promise<void> {
    return this.instanceCalls.run(idempotencyKey, async () => {
      if (!this.supervisor.find(name)) throw new PlatformNotFound(`no instance named ${name}`);
      await this.supervisor.stop(name, reason);
    });
  }

  /**
   * Registers a rollout; refuses while another one runs, and first rolls back one whose controller died.
   * The same claim again (same id and owner: a retried request) returns the registered rollout.
   */
  async beginRollout(claim: RolloutClaim): Promise<{ record: RolloutRecord; resolved: RolloutEnd | null }> {
    let resolved: RolloutEnd | null = null;
    const running = this.store.get().rollout;
    if (running && running.id === claim.id && running.ownerPid === claim.ownerPid) return { record: running, resolved: null };
    if (running && isAlive(running.ownerPid)) {
      throw new PlatformConflict(`rollout ${running.id} (${running.model}:${running.fromVersion} → ${running.toVersion}) is running (pid ${running.ownerPid}); wait for it or run \`keelson rollback\``, { runningId: running.id });
    }
    if (running) resolved = await this.finish(running.id, 'rolled-back', orphanReason(running), 'platform');
    const state = this.store.get();
    if (claim.model !== state.model) throw new PlatformBadRequest(`'model' is ${claim.model}: this platform serves ${state.model}`);
    if (claim.toVersion === state.stable.version) throw new PlatformBadRequest(`'version' is ${claim.toVersion}: that version is already stable`);
    this.requireVersion(claim.toVersion);
    const now = new Date().toISOString();
    const record: RolloutRecord = {
      id: claim.id,
      model: claim.model,
      fromVersion: state.stable.version,
      toVersion: claim.toVersion,
      ownerPid: claim.ownerPid,
      startedAt: now,
      updatedAt: now,
      phase: 'starting',
      step: -1,
      stepCount: claim.stepCount,
      toSha256: modelSha(this.modelsDir, claim.model, claim.toVersion),
    };
    this.store.update((s) => ({ ...s, rollout: record, canary: { version: claim.toVersion } }));
    this.store.record('rollout-started', `rollout ${claim.id}: ${claim.model}:${record.fromVersion} → ${claim.toVersion}`, claim.id);
    return { record, resolved };
  }

  updateRollout(id: string, progress: RolloutProgress): RolloutRecord {
    const running = this.requireRollout(id);
    const record: RolloutRecord = { ...running, ...progress, updatedAt: new Date().toISOString() };
    this.store.update((s) => ({ ...s, rollout: record }));
    return record;
  }

  /**
   * Ends the rollout. Promote: the canary instances become stable in the same state change that moves all
   * weight to them, then the old stable and the baseline drain. Roll back: all weight to stable at once,
   * then the canary and the baseline drain.
   */
  async finish(id: string | undefined, outcome: RolloutOutcome, reason: string, decidedBy: RolloutDecider = 'person'): Promise<RolloutEnd> {
    // A retried request (its first answer lost) finds the rollout already ended as it asked: the same end again.
    const last = this.store.get().lastRollout;
    if (id !== undefined && this.store.get().rollout?.id !== id && last?.id === id && last.outcome === outcome) return last;
    const running = this.requireRollout(id);
    const before = this.store.get();
    const canaries = before.instances.filter((i) => i.role === 'canary' && i.status === 'ready');
    if (outcome === 'promoted' && canaries.length === 0) {
      throw new PlatformConflict(`cannot promote rollout ${running.id}: no canary instance of ${running.model}:${running.toVersion} is ready`);
    }
    const end: RolloutEnd = {
      id: running.id,
      model: running.model,
      fromVersion: running.fromVersion,
      toVersion: running.toVersion,
      outcome,
      reason,
      decidedBy,
      at: new Date().toISOString(),
    };
    const promoted = new Set(outcome === 'promoted' ? canaries.map((i) => i.name) : []);
    const retiring = before.instances.filter((i) => !promoted.has(i.name) && (outcome === 'promoted' || i.role !== 'stable'));
    this.store.update((s) => ({
      ...s,
      weights: { ...ALL_STABLE },
      stable: { version: outcome === 'promoted' ? running.toVersion : s.stable.version },
      canary: null,
      rollout: null,
      lastRollout: end,
      instances: s.instances.map((i) => (promoted.has(i.name) ? { ...i, role: 'stable' as const } : i)),
    }));
    this.store.record(outcome, `rollout ${running.id} ${outcome} ${running.model}:${running.toVersion} (decided by ${decidedBy}): ${reason}`, running.id);
    // Only versions that passed analysis (or return to one that did) are known good; a person's promotion is not.
    if (outcome === 'promoted' && (decidedBy === 'judge' || decidedBy === 'rollback-window')) {
      rememberKnownGood(this.store, { version: running.toVersion, sha256: running.toSha256 ?? null, how: decidedBy === 'judge' ? 'promoted' : 'rollback-window', rolloutId: running.id });
    }
    await Promise.all(retiring.map((i) => this.supervisor.stop(i.name, `rollout ${running.id} ${outcome}`)));
    return end;
  }

  /** Rolls back a rollout whose controller process is gone: traffic is never left split with nobody deciding. */
  async reapOrphan(): Promise<RolloutEnd | null> {
    const running = this.store.get().rollout;
    if (!running || isAlive(running.ownerPid)) return null;
    return this.finish(running.id, 'rolled-back', orphanReason(running), 'platform');
  }

  /** Refuses a version the model repository does not hold, listing those it does. */
  private requireVersion(version: string): void {
    const dir = join(this.modelsDir, this.store.get().model);
    if (existsSync(join(dir, version, 'model.json'))) return;
    let found: string[] = [];
    try {
      found = readdirSync(dir).filter((v) => existsSync(join(dir, v, 'model.json')));
    } catch {
      // No such model directory: `found` stays empty.
    }
    throw new PlatformBadRequest(`'version' is ${version}: ${dir} has no such version (found: ${found.join(', ') || 'none'})`);
  }

  private requireRollout(id: string | undefined): RolloutRecord {
    const running = this.store.get().rollout;
    if (!running) {
      const last = this.store.get().lastRollout;
      const ended = last && (id === undefined || last.id === id) ? `; rollout ${last.id} already ${last.outcome}: ${last.reason}` : '';
      throw new PlatformNotFound(`no rollout is in progress${ended}`);
    }
    if (id !== undefined && running.id !== id) throw new PlatformNotFound(`rollout ${id} is not the running one (${running.id})`);
    return running;
  }
}

function orphanReason(running: RolloutRecord): string {
  const at = running.step >= 0 ? `step ${running.step + 1} of ${running.stepCount}` : running.phase;
  return `the rollout controller (pid ${running.ownerPid}) went away at ${at}; rolled back so traffic is not left split`;
}

/** Whether a rollout's end reason is the platform's own (its controller died), not a person's or a controller's decision. */
export function isOrphanRollback(end: Pick<RolloutEnd, 'outcome' | 'reason'>): boolean {
  return end.outcome === 'rolled-back' && /^the rollout controller \(pid \d+\) went away at /.test(end.reason);
}

function validateWeights(weights: Weights): void {
  for (const v of VARIANTS) {
    const w = weights[v];
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0 || w > 100) {
      throw new PlatformBadRequest(`'weights.${v}' is ${JSON.stringify(w)}: expected a percentage from 0 to 100`);
    }
  }
  const sum = weights.stable + weights.baseline + weights.canary;
  if (Math.abs(sum - 100) > 1e-9) throw new PlatformBadRequest(`'weights' sum to ${sum}: expected 100`);
}
