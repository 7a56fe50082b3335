import { resolve } from 'node:path';
import { openGitSource } from './git.js';
import { headReader } from './head.js';
import { createLocalDeployer } from './local-deployer.js';
import { watch } from './watch.js';
import type { GitopsStatus } from './status.js';
import type { KeelsonPaths } from '../contract/keelson-paths.js';

export interface AgentRunOptions {
  repo: string;
  branch: string;
  environment: string;
  intervalMs: number;
  paths: KeelsonPaths;
  modelsDir: string;
  testCommand?: string;
  prometheusUrl?: string;
  reportsDir?: string;
  signal: AbortSignal;
  log(line: string): void;
}

/** Runs the GitOps agent against the local platform until `signal` aborts; SIGHUP forces an immediate check. */
export async function runGitopsAgent(opts: AgentRunOptions): Promise<GitopsStatus> {
  const source = openGitSource(opts.repo, opts.paths.gitopsMirror);
  const onHup = { wake: () => {} };
  const hup = () => onHup.wake();
  process.on('SIGHUP', hup);
  try {
    return await watch({
      repo: opts.repo,
      source,
      branch: opts.branch,
      environment: opts.environment,
      statusPath: opts.paths.gitopsStatus,
      intervalMs: opts.intervalMs,
      signal: opts.signal,
      readHead: headReader(opts.environment),
      log: opts.log,
      onWakeHandle: (wake) => (onHup.wake = wake),
      deployer: createLocalDeployer({
        paths: opts.paths,
        modelsDir: resolve(opts.modelsDir),
        source,
        log: opts.log,
        ...(opts.testCommand ? { testCommand: opts.testCommand } : {}),
        ...(opts.prometheusUrl ? { prometheusUrl: opts.prometheusUrl } : {}),
        ...(opts.reportsDir ? { reportsDir: opts.reportsDir } : {}),
      }),
    });
  } finally {
    process.off('SIGHUP', hup);
  }
}
