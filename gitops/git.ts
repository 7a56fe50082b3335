import { mkdirSync, existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { $ } from 'zx';

/** What the GitOps agent needs from a git repository; the only module that runs `git`. */
export interface GitSource {
  /** Where the agent reads from: the repository itself, or its mirror for a URL. */
  readonly dir: string;
  /** Fetches from the remote (a no-op for a local path). */
  sync(): Promise<void>;
  /** The commit a branch points at, or null when the branch does not exist. */
  head(branch: string): Promise<string | null>;
  /** A file's text at a commit, or null when the file is absent there. */
  readFile(commit: string, path: string): Promise<string | null>;
  /** One line naming a commit: short hash and subject. */
  describe(commit: string): Promise<string>;
}

/** What else keelson asks of a repository: its files at a commit, for the GitOps agent's test step. */
export interface GitRepository extends GitSource {
  /** Writes the files of `commit` into `dir` (a clean export: no `.git`, never the working tree). */
  archive(commit: string, dir: string): Promise<GitOutcome>;
}

/** How a git command went: errors are values, as with zx's `nothrow`. */
export type GitOutcome = { ok: true } | { ok: false; exitCode: number | null; message: string };

const isUrl = (source: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(source) || /^[^/]+@[^/]+:/.test(source);

/**
 * Opens a repository by path or URL. A URL is mirrored (bare) into `mirrorDir`; a path is read in place,
 * without touching its working tree, so the agent can watch the repository a person is editing.
 */
export function openGitSource(source: string, mirrorDir: string): GitRepository {
  const remote = isUrl(source);
  const dir = remote ? mirrorDir : isAbsolute(source) ? source : resolve(source);
  const git = $({ quiet: true, nothrow: true });
  const repoArgs = remote ? [`--git-dir=${dir}`] : ['-C', dir];
  const inRepo = (args: string[]) => git`git ${repoArgs} ${args}`;

  return {
    dir,
    async sync() {
      if (!remote) return;
      if (!existsSync(dir)) {
        mkdirSync(dirname(mirrorDir), { recursive: true });
        const cloned = await git`git clone --mirror ${source} ${dir}`;
        if (!cloned.ok) throw new Error(`git clone ${source} failed: ${cloned.stderr.trim()}`);
        return;
      }
      const fetched = await inRepo(['fetch', '--prune', 'origin']);
      if (!fetched.ok) throw new Error(`git fetch from ${source} failed: ${fetched.stderr.trim()}`);
    },
    async head(branch) {
      const out = await inRepo(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`]);
      return out.ok ? out.stdout.trim() : null;
    },
    async readFile(commit, path) {
      const out = await inRepo(['show', `${commit}:${path}`]);
      return out.ok ? out.stdout : null;
    },
    async describe(commit) {
      const out = await inRepo(['log', '-1', '--format=%h %s', commit]);
      return out.ok ? out.stdout.trim() : commit.slice(0, 7);
    },
    async archive(commit, target) {
      const out = await git`git ${repoArgs} archive ${commit} | tar -x -C ${target}`;
      return out.ok ? { ok: true } : { ok: false, exitCode: out.exitCode, message: out.stderr.trim() };
    },
  };
}
