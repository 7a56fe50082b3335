import { mkdirSync, existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { $ } from 'zx';
import { redactSecrets, redactUrl, secretsOf } from '../contract/redact.js';

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
 *
 * A URL's credentials never reach a file or a message: the mirror's config holds the URL without them (each
 * fetch is given the full URL instead), and git's stderr is redacted before it becomes an error.
 */
export function openGitSource(source: string, mirrorDir: string): GitRepository {
  const remote = isUrl(source);
  const dir = remote ? mirrorDir : isAbsolute(source) ? source : resolve(source);
  // Never ask on a terminal for a password the URL lacks: the agent runs unattended.
  const git = $({ quiet: true, nothrow: true, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  const repoArgs = remote ? [`--git-dir=${dir}`] : ['-C', dir];
  const inRepo = (args: string[]) => git`git ${repoArgs} ${args}`;
  const shown = redactUrl(source);
  const secrets = secretsOf(source);
  const failure = (what: string, stderr: string) => new Error(`${what} ${shown} failed: ${redactSecrets(stderr.trim(), secrets)}`);

  return {
    dir,
    async sync() {
      if (!remote) return;
      if (!existsSync(dir)) {
        mkdirSync(dirname(mirrorDir), { recursive: true });
        const created = await git`git init --quiet --bare ${dir}`;
        if (!created.ok) throw failure('git init of the mirror of', created.stderr);
      }
      // Also rewrites the URL an older mirror (`git clone --mirror`) stored with its credentials.
      await inRepo(['config', 'remote.origin.url', withoutCredentials(source)]);
      const fetched = await inRepo(['fetch', '--quiet', '--prune', '--no-write-fetch-head', source, '+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*']);
      if (!fetched.ok) throw failure('git fetch from', fetched.stderr);
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

/** The URL git keeps in the mirror's config (never used to fetch): no credentials (an ssh user, `git@host:…`, is kept). */
function withoutCredentials(source: string): string {
  return redactUrl(source).replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1');
}
