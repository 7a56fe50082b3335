/**
 * What a (re)starting platform does with what an earlier run left behind: pure decisions over the previous
 * state.json, so a restart never serves something the judge did not pass without a person saying so.
 */
import { ALL_STABLE } from '../contract/variants.js';
import type { InstanceRecord, KnownGood, PlatformState } from './state.js';

/** Which version becomes stable, and why (the reason is recorded in the history). */
export interface StableChoice {
  version: string;
  /** `person`: named on the command line; `previous`: what was stable when the last run ended; `bootstrap`: a fresh directory. */
  source: 'person' | 'previous' | 'bootstrap';
  /** Set when a person's choice replaces a different previous stable without analysis. */
  overrides?: string;
  /** Nothing of this model ran here before: the first stable is the baseline every later version is judged against. */
  fresh: boolean;
}

/**
 * A person's `--model NAME:VERSION` wins (loudly when it replaces another stable); otherwise the stable of
 * the previous run here; otherwise the bootstrap version (what git asks for on a first start).
 */
export function chooseStable(previous: PlatformState | null, model: string, requested: string | undefined, bootstrap: string | undefined): StableChoice {
  const before = previous?.model === model ? previous.stable.version : undefined;
  const fresh = before === undefined;
  if (requested !== undefined) return { version: requested, source: 'person', fresh, ...(before !== undefined && before !== requested ? { overrides: before } : {}) };
  if (before !== undefined) return { version: before, source: 'previous', fresh };
  return { version: bootstrap ?? '1', source: 'bootstrap', fresh };
}

/** How to treat each instance of the previous run. */
export interface AdoptionPlan {
  /** Still wanted: adopt when its process is alive, ready and serves the same model bytes. */
  adopt: InstanceRecord[];
  /** Not wanted any more: stop it if it is still running. */
  stop: InstanceRecord[];
  /** Whether the previous rollout goes on (its controller is alive and its arms are adopted). */
  keepRollout: boolean;
}

/**
 * Stable instances of the chosen stable version are adopted; a rollout's canary and baseline are adopted too,
 * so that its end (the controller's verdict, or the orphan rollback) drains them instead of cutting them off.
 * Instances of another model or version, and failed ones, are stopped.
 */
export function planAdoption(previous: PlatformState | null, model: string, stable: StableChoice, ownerAlive: (pid: number) => boolean): AdoptionPlan {
  const instances = previous?.model === model ? previous.instances : [];
  const rollout = previous?.model === model ? previous.rollout : null;
  const keepRollout = Boolean(rollout && stable.source !== 'person' && ownerAlive(rollout.ownerPid));
  const adopt: InstanceRecord[] = [];
  const stop: InstanceRecord[] = [];
  for (const instance of previous?.instances ?? []) {
    const live = instance.status === 'ready' || instance.status === 'starting';
    const wanted =
      live && instances.includes(instance) &&
      (instance.role === 'stable' ? instance.version === stable.version : Boolean(rollout) && stable.source !== 'person');
    (wanted ? adopt : stop).push(instance);
  }
  return { adopt, stop, keepRollout };
}

/** What `initialState` reads from outside: the time, and the sha256 of a version's model file. */
export interface StartFacts {
  now: string;
  sha256(version: string): string | null;
}

/**
 * The state a (re)starting platform begins with: the previous rollout only if it goes on; the known-good
 * versions (of the same model) and the history carried over. The first version of a fresh platform is the
 * baseline everything later is judged against: known good.
 */
export function initialState(previous: PlatformState | null, model: string, stable: StableChoice, adoption: AdoptionPlan, facts: StartFacts): PlatformState {
  const keep = adoption.keepRollout && previous !== null;
  const bootstrap: KnownGood[] = stable.fresh ? [{ version: stable.version, sha256: facts.sha256(stable.version), how: 'bootstrap', since: facts.now }] : [];
  return {
    schema: 1,
    platform: null,
    model,
    stable: { version: stable.version },
    canary: keep ? previous.canary : null,
    weights: keep ? { ...previous.weights } : { ...ALL_STABLE },
    instances: [],
    rollout: keep ? previous.rollout : null,
    lastRollout: previous?.lastRollout ?? null,
    knownGood: [...(previous?.model === model ? (previous.knownGood ?? []) : []), ...bootstrap],
    history: previous?.history ?? [],
  };
}
