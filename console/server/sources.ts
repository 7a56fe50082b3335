import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { KeelsonPaths } from '../../contract/keelson-paths.js';
import { readGitopsStatus, type GitopsStatus } from '../../gitops/status.js';
import { isAlive, readState, type PlatformState } from '../../platform/state.js';
import type { RolloutRecordBook } from '../../rollout/timeline.js';

/** Rollout ids as `newRolloutId` makes them (`penguins-2-20261127t101500-ab12`) or as a person names them: no paths. */
export const ROLLOUT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * What the console reads, from the same files the CLI reads: `state.json`, `gitops.json` and the rollout journals
 * (`rollouts/<id>.json`, written by the controllers). Journals are parsed once per change of their mtime.
 */
export class ConsoleSources {
  private readonly books = new Map<string, { mtimeMs: number; book: RolloutRecordBook }>();
  private readonly subjects = new Map<string, string | null>();

  constructor(readonly paths: KeelsonPaths) {}

  state(): { state: PlatformState | null; running: boolean } {
    const state = readState(this.paths.state);
    return { state, running: Boolean(state?.platform && isAlive(state.platform.pid)) };
  }

  gitops(): GitopsStatus | null {
    return readGitopsStatus(this.paths.gitopsStatus);
  }

  /** Every journal, newest first. */
  allBooks(): RolloutRecordBook[] {
    const ids = this.journalFiles().map((f) => f.slice(0, -'.json'.length));
    return ids.flatMap((id) => this.book(id) ?? []).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  book(id: string): RolloutRecordBook | null {
    const file = join(this.paths.rollouts, `${id}.json`);
    let mtimeMs: number;
    try {
      mtimeMs = statSync(file).mtimeMs;
    } catch {
      return null;
    }
    const cached = this.books.get(id);
    if (cached?.mtimeMs === mtimeMs) return cached.book;
    try {
      const book = JSON.parse(readFileSync(file, 'utf8')) as RolloutRecordBook;
      this.books.set(id, { mtimeMs, book });
      return book;
    } catch {
      // Half a file cannot happen (atomic writes); a damaged one is left out rather than breaking the page.
      return null;
    }
  }

  /** A fingerprint of everything the pages show from files: it changes when any of them does. */
  fingerprint(): string {
    const mtime = (file: string) => {
      try {
        return statSync(file).mtimeMs;
      } catch {
        return 0;
      }
    };
    const journals = this.journalFiles().map((f) => `${f}:${mtime(join(this.paths.rollouts, f))}`);
    return [mtime(this.paths.state), mtime(this.paths.gitopsStatus), ...journals].join('|');
  }

  /** The subject line of a commit of the watched repository (or of the agent's mirror of it); null when git cannot say. */
  commitSubject(commit: string, repo: string | null): string | null {
    if (!/^[0-9a-f]{7,64}$/.test(commit)) return null;
    if (this.subjects.has(commit)) return this.subjects.get(commit)!;
    const dirs = [repo && existsSync(repo) ? repo : null, this.paths.gitopsMirror].filter((d): d is string => d !== null && existsSync(d));
    let subject: string | null = null;
    for (const dir of dirs) {
      try {
        subject = execFileSync('git', ['-C', dir, 'show', '-s', '--format=%s', commit], { encoding: 'utf8', timeout: 2_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
        break;
      } catch {
        // Not in this one.
      }
    }
    this.subjects.set(commit, subject);
    return subject;
  }

  private journalFiles(): string[] {
    try {
      return readdirSync(this.paths.rollouts).filter((f) => f.endsWith('.json') && ROLLOUT_ID.test(f.slice(0, -5)));
    } catch {
      return [];
    }
  }
}
