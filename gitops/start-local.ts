import { readFileSync } from 'node:fs';
import { redactUrl } from '../contract/redact.js';
import { openGitSource } from './git.js';
import { headReader } from './head.js';
import { runGitopsAgent } from './run-agent.js';
import { startPlatform, type Platform, type PlatformOptions } from '../platform/platform.js';
import { keelsonPaths } from '../contract/keelson-paths.js';

export interface StartLocalOptions {
  modelsDir: string;
  port: number;
  host: string;
  repo: string;
  branch: string;
  environment: string;
  intervalMs: number;
  gitops: boolean;
  signal: AbortSignal;
  log(line: string): void;
  /** Served beside the control API (the console); the caller picks it, so gitops/ does not depend on it. */
  mount?: PlatformOptions['mount'];
}

/**
 * The embedded default (`npm start`): the local platform serving what `deploy/<env>.yaml` on the branch asks
 * for, and the GitOps agent watching the same repository, so a commit to that file rolls out as a canary.
 */
export async function startLocal(opts: StartLocalOptions): Promise<void> {
  const paths = keelsonPaths();
  const desired = await desiredModel(opts, paths.gitopsMirror);
  opts.log(`desired state: ${desired.name}:${desired.version} (${desired.from})`);
  const platform: Platform = await startPlatform({
    modelsDir: opts.modelsDir,
    model: desired.name,
    // Git's version only seeds a fresh directory: after that the platform keeps what analysis let through, and
    // the agent moves it towards git by canary rollouts (a rejected version is never made stable by a restart).
    bootstrapVersion: desired.version,
    port: opts.port,
    host: opts.host,
    signal: opts.signal,
    log: opts.log,
    ...(opts.mount ? { mount: opts.mount } : {}),
  });
  const stop = () => void platform.stop();
  opts.signal.addEventListener('abort', stop, { once: true });
  const serving = platform.state().stable.version;
  const behind = serving === desired.version ? '' : ` (git asks for ${desired.version}: the GitOps agent decides by canary analysis)`;
  opts.log(`router ${platform.routerUrl} → ${desired.name}:${serving}${behind}; Ctrl-C stops everything`);
  try {
    if (opts.gitops && desired.from !== 'working tree') {
      await runGitopsAgent({
        repo: opts.repo,
        branch: opts.branch,
        environment: opts.environment,
        intervalMs: opts.intervalMs,
        paths,
        modelsDir: opts.modelsDir,
        signal: opts.signal,
        log: opts.log,
      });
    }
    await platform.stopped;
  } finally {
    opts.signal.removeEventListener('abort', stop);
    await platform.stop();
  }
}

/** What to serve first: the spec at the branch head (so the agent starts in sync), else the working tree's. */
async function desiredModel(opts: StartLocalOptions, mirrorDir: string): Promise<{ name: string; version: string; from: string }> {
  const path = `deploy/${opts.environment}.yaml`;
  const git = openGitSource(opts.repo, mirrorDir);
  const commit = await git.head(opts.branch);
  let text = commit ? await git.readFile(commit, path) : null;
  const from = text !== null && commit ? `${path} at ${opts.branch} ${commit.slice(0, 7)}` : 'working tree';
  if (text === null) {
    opts.log(`no ${path} on branch ${opts.branch} of ${redactUrl(opts.repo)}: serving the working tree's ${path} without the GitOps agent`);
    text = readFileSync(path, 'utf8');
  }
  const parsed = headReader(opts.environment)(commit ?? 'working-tree', text);
  if (parsed.kind === 'invalid') throw new Error(parsed.message);
  return { name: parsed.model.name, version: parsed.model.version, from };
}
