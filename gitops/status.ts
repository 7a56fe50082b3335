import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { redactSecrets, redactUrl } from '../contract/redact.js';
import type { DesiredModel } from './desired.js';

export type GitopsPhase = 'starting' | 'idle' | 'deploying' | 'failed';

export interface GitopsEvent {
  at: string;
  commit: string;
  outcome: 'promoted' | 'rolled-back' | 'unfinished' | 'refused' | 'in-sync' | 'failed' | 'bootstrapped';
  message: string;
}

/** `.keelson/gitops.json`: what the agent tried, what succeeded, what is live, and why anything failed. */
export interface GitopsStatus {
  repo: string;
  branch: string;
  environment: string;
  phase: GitopsPhase;
  /** The head the agent last handled (attempted, refused or found in sync). */
  lastSeenCommit: string | null;
  lastAttemptedCommit: string | null;
  lastSuccessfulCommit: string | null;
  live: { model: DesiredModel; commit: string | null } | null;
  /** The commit being rolled out now, if any. */
  deploying: { commit: string; model: DesiredModel; startedAt: string } | null;
  /** Newer head seen while deploying; the newest desired state wins after the current rollout. */
  queuedCommit: string | null;
  failure: { commit: string; message: string; at: string } | null;
  history: GitopsEvent[];
}

const HISTORY_LIMIT = 50;

export function initialStatus(repo: string, branch: string, environment: string): GitopsStatus {
  return {
    repo: redactUrl(repo),
    branch,
    environment,
    phase: 'starting',
    lastSeenCommit: null,
    lastAttemptedCommit: null,
    lastSuccessfulCommit: null,
    live: null,
    deploying: null,
    queuedCommit: null,
    failure: null,
    history: [],
  };
}

export function withEvent(status: GitopsStatus, event: GitopsEvent): GitopsStatus {
  return { ...status, history: [...status.history, event].slice(-HISTORY_LIMIT) };
}

/** Reads the status; credentials a file written before redaction existed may still hold are masked on the way out. */
export function readGitopsStatus(path: string): GitopsStatus | null {
  try {
    return JSON.parse(redactSecrets(readFileSync(path, 'utf8'))) as GitopsStatus;
  } catch {
    return null;
  }
}

/**
 * Writes atomically (temp file + rename), so a reader never sees half a file; mode 600 and redacted, because
 * failure messages quote git and the test step, and either may name a secret.
 */
export function writeGitopsStatus(path: string, status: GitopsStatus): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, redactSecrets(`${JSON.stringify({ ...status, repo: redactUrl(status.repo) }, null, 2)}\n`), { mode: 0o600 });
  chmodSync(tmp, 0o600); // `mode` applies only when the file is created
  renameSync(tmp, path);
}

/** Human-readable lines for `keelson status`. */
export function formatGitopsStatus(s: GitopsStatus): string[] {
  const short = (c: string | null) => (c ? c.slice(0, 7) : '-');
  const lines = [
    `gitops: ${s.phase} — watching ${s.repo} ${s.branch} (environment ${s.environment})`,
    `  live:              ${s.live ? `${s.live.model.name}:${s.live.model.version} from ${short(s.live.commit)}` : 'nothing'}`,
    `  last attempted:    ${short(s.lastAttemptedCommit)}`,
    `  last successful:   ${short(s.lastSuccessfulCommit)}`,
  ];
  if (s.deploying) lines.push(`  deploying:         ${s.deploying.model.name}:${s.deploying.model.version} from ${short(s.deploying.commit)}`);
  if (s.queuedCommit) lines.push(`  queued:            ${short(s.queuedCommit)} (runs after the current rollout)`);
  if (s.failure) lines.push(`  last failure:      ${s.failure.message}`);
  return lines;
}
