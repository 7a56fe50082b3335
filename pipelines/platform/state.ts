import { readFileSync } from 'node:fs';
import { writeJsonAtomic } from '../atomic-json.js';

/** The three arms traffic can go to: production, a fresh copy of production, the new version. */
export type Variant = 'stable' | 'baseline' | 'canary';
export const VARIANTS: readonly Variant[] = ['stable', 'baseline', 'canary'];

/** Traffic share per variant, in percent; they sum to 100. */
export type Weights = Record<Variant, number>;
export const ALL_STABLE: Weights = Object.freeze({ stable: 100, baseline: 0, canary: 0 });

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
  lastDecision?: 'continue' | 'promote' | 'rollback';
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
  at: string;
}

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
  history: HistoryEntry[];
}

const HISTORY_LIMIT = 200;

/** Appends to the history, keeping the newest entries only. */
export function withHistory(state: PlatformState, entry: HistoryEntry): PlatformState {
  return { ...state, history: [...state.history, entry].slice(-HISTORY_LIMIT) };
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

/** Whether a process id names a live process (signal 0 probes without signalling). */
export function isAlive(pid: number | null | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
