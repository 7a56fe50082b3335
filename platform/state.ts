import { readFileSync } from 'node:fs';
import type { Decision, RolloutDecider } from '../contract/decisions.js';
import type { Variant, Weights } from '../contract/variants.js';
import { writeJsonAtomic } from './atomic-json.js';

export type InstanceStatus = 'starting' | 'ready' | 'draining' | 'stopped' | 'failed';

/** One running copy of the service. */
export interface InstanceRecord {
  name: string;
  role: Variant;
  model: string;
  version: string;
  url: string;
  pid: number | null;
  runtime: 'process' | 'container';
  status: InstanceStatus;
  startedAt: string;
  /** Why it failed or stopped, when it did. */
  detail?: string;
}

/** The rollout in progress, as far as the platform needs to know it (the controller owns the logic). */
export interface RolloutRecord {
  id: string;
  model: string;
  fromVersion: string;
  toVersion: string;
  /** Process running the rollout controller; when it dies mid-rollout the platform rolls back. */
  ownerPid: number;
  startedAt: string;
  updatedAt: string;
  phase: string;
  /** Index into the policy's steps; -1 before traffic is shifted. */
  step: number;
  stepCount: number;
  /** sha256 of the canary's `model.onnx` when the rollout began (what a promotion makes known-good). */
  toSha256?: string | null;
  lastDecision?: Decision;
  lastReasons?: string[];
}

export type RolloutOutcome = 'promoted' | 'rolled-back';

/** How the last rollout ended. */
export interface RolloutEnd {
  id: string;
  model: string;
  fromVersion: string;
  toVersion: string;
  outcome: RolloutOutcome;
  reason: string;
  /** Absent in state files of older versions. */
  decidedBy?: RolloutDecider;
  at: string;
}

/**
 * A version that served as stable after passing canary analysis (or as the first version of a fresh platform):
 * returning to it within the rollback window skips analysis, as Argo Rollouts' `rollbackWindow` does.
 * Versions a person forced live are never listed.
 */
export interface KnownGood {
  version: string;
  /** sha256 of its `model.onnx` when it was stable; a revert to different bytes goes through analysis. */
  sha256: string | null;
  since: string;
  how: 'bootstrap' | 'promoted' | 'rollback-window';
  rolloutId?: string;
}

/** How many known-good versions are remembered. */
const KNOWN_GOOD_LIMIT = 10;

export interface HistoryEntry {
  at: string;
  kind: string;
  message: string;
  rolloutId?: string;
}

export interface PlatformInfo {
  pid: number;
  routerUrl: string;
  controlUrl: string;
  host: string;
  runtime: 'process' | 'container';
  modelsDir: string;
  replicas: number;
  startedAt: string;
}

/** `.keelson/state.json`: everything `keelson status` shows; written only by the platform process. */
export interface PlatformState {
  schema: 1;
  platform: PlatformInfo | null;
  model: string;
  stable: { version: string };
  canary: { version: string } | null;
  weights: Weights;
  instances: InstanceRecord[];
  rollout: RolloutRecord | null;
  lastRollout: RolloutEnd | null;
  /** Newest last; see `KnownGood`. Absent in state files of older versions. */
  knownGood?: KnownGood[];
  history: HistoryEntry[];
}

const HISTORY_LIMIT = 200;

/** Appends to the history, keeping the newest entries only. */
export function withHistory(state: PlatformState, entry: HistoryEntry): PlatformState {
  return { ...state, history: [...state.history, entry].slice(-HISTORY_LIMIT) };
}

/** Adds (or refreshes) a known-good version, newest last. */
export function rememberKnownGood(store: { update(change: (s: PlatformState) => PlatformState): PlatformState }, entry: Omit<KnownGood, 'since'>): void {
  store.update((s) => ({
    ...s,
    knownGood: [...(s.knownGood ?? []).filter((k) => !(k.version === entry.version && k.sha256 === entry.sha256)), { ...entry, since: new Date().toISOString() }].slice(-KNOWN_GOOD_LIMIT),
  }));
}

/** Reads state.json; `null` when the platform never ran here. */
export function readState(file: string): PlatformState | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const parsed = JSON.parse(text) as PlatformState;
  if (parsed.schema !== 1) throw new Error(`${file}: unknown schema ${String(parsed.schema)}, expected 1`);
  return parsed;
}

/** Writes state.json atomically (temp file + rename), so readers never see half a file. */
export function writeState(file: string, state: PlatformState): void {
  writeJsonAtomic(file, state);
}

/** Whether a process id names a live process (signal 0 probes without signalling; a zombie is not alive). */
export function isAlive(pid: number | null | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/** A killed process whose parent has not reaped it yet still answers signal 0 (Linux: state `Z` in /proc). */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}
