import type { Exec, ExecResult } from '../steps/exec.js';
import { ReleaseError } from './release-error.js';

/**
 * What `keelson release` asks of the repository it releases: the one module of the release that runs `git`
 * (the GitOps agent's read-only adapter is gitops/git.ts). Failures are `ReleaseError`s quoting git's answer.
 */
export interface ReleaseGit {
  /** Paths `git status --porcelain` lists (modified, staged, untracked). */
  changedFiles(): Promise<string[]>;
  /** The checked-out branch; undefined on a detached HEAD. */
  branch(): Promise<string | undefined>;
  head(): Promise<string>;
  /** The newest commit that changed a line matching `regex` in `path`, if any. */
  lastCommitChanging(path: string, regex: string): Promise<string | undefined>;
  fileAt(commit: string, path: string): Promise<string | undefined>;
  message(commit: string): Promise<string>;
  /** True when nothing outside `excluded` differs between two commits. */
  sameOutside(from: string, to: string, excluded: string): Promise<boolean>;
  /** Commits exactly `paths` (nothing else that happens to be staged) and returns the new commit. */
  commit(paths: string[], message: string): Promise<string>;
  /** Pushes the current branch to its remote; returns the remote's URL (credentials redacted). */
  push(branch: string): Promise<string>;
}

/** The real adapter, on `Exec` (zx in the CLI). */
export function releaseGit(exec: Exec, dir: string): ReleaseGit {
  const git = (...args: string[]) => exec('git', ['-C', dir, ...args], { timeoutMs: 120_000 });
  const must = async (what: string, ...args: string[]): Promise<ExecResult> => {
    const result = await git(...args);
    if (!result.ok) throw new ReleaseError(`git ${args[0]} failed while ${what}: ${result.stderr.trim() || `exit code ${result.code}`}`, gitHint(result.stderr));
    return result;
  };
  return {
    async changedFiles() {
      const out = await must('reading the work tree', 'status', '--porcelain', '--untracked-files=all');
      return out.stdout.split('\n').filter(Boolean).map((line) => line.slice(3));
    },
    async branch() {
      const out = await git('symbolic-ref', '--quiet', '--short', 'HEAD');
      return out.ok ? out.stdout.trim() : undefined;
    },
    async head() {
      return (await must('reading HEAD', 'rev-parse', '--verify', 'HEAD')).stdout.trim();
    },
    async lastCommitChanging(path, regex) {
      const out = await must(`reading the history of ${path}`, 'log', '-1', '--format=%H', `-G${regex}`, '--', path);
      return out.stdout.trim() || undefined;
    },
    async fileAt(commit, path) {
      const out = await git('show', `${commit}:${path}`);
      return out.ok ? out.stdout : undefined;
    },
    async message(commit) {
      return (await must('reading a commit message', 'log', '-1', '--format=%B', commit)).stdout;
    },
    async sameOutside(from, to, excluded) {
      const out = await git('diff', '--quiet', from, to, '--', '.', `:(exclude)${excluded}`);
      return out.ok;
    },
    async commit(paths, message) {
      await must('staging the release', 'add', '--', ...paths);
      await must('committing the release', 'commit', '--quiet', '--only', '-m', message, '--', ...paths);
      return (await must('reading the new commit', 'rev-parse', 'HEAD')).stdout.trim();
    },
    async push(branch) {
      const remote = (await git('config', `branch.${branch}.remote`)).stdout.trim() || 'origin';
      const url = redactUrl((await must(`reading the URL of remote ${remote}`, 'remote', 'get-url', remote)).stdout.trim());
      const pushed = await git('push', remote, `HEAD:refs/heads/${branch}`);
      if (!pushed.ok) {
        throw new ReleaseError(`git push to ${remote} (${url}) failed: ${redactUrl(pushed.stderr.trim())}`,
          'the release commit is made locally: pull --rebase and push it, or check the token\'s contents: write permission');
      }
      return url;
    },
  };
}

/** `https://user:token@host/x` → `https://***@host/x`: a remote URL may carry a token and logs are public. */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
}

function gitHint(stderr: string): string | undefined {
  if (/Please tell me who you are|user\.email/.test(stderr)) return 'set an identity: git config user.name "…" && git config user.email "…"';
  if (/not a git repository/.test(stderr)) return 'run keelson release inside the repository, or pass --repo DIR';
  return undefined;
}
