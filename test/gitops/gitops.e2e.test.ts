import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { $ } from 'zx';
import { startPlatform, type Platform } from '../../platform/platform.js';
import { keelsonPaths } from '../../contract/keelson-paths.js';
import { runTraffic } from '../../platform/traffic/generator.js';
import { runGitopsAgent } from '../../gitops/run-agent.js';
import { readGitopsStatus, type GitopsStatus } from '../../gitops/status.js';
import { createDeployRepo, localSpec } from './deploy-repo.js';

// A real git repository, a real platform (router + service processes), real canary rollouts under real
// traffic, and the agent watching the repository as it would watch the project's own.
const modelsDir = inject('modelsDir');
const spec = (version: string, extra = '') => localSpec(modelsDir, version, extra);

let repo: string;
let platform: Platform;
let agent: AbortController;
let agentDone: Promise<GitopsStatus>;
let traffic: AbortController;
/** The agent's lines, shown when a wait fails. */
const agentLog: string[] = [];
const paths = () => keelsonPaths(join(repo, '.keelson'));
const git = (args: string[]) => $({ cwd: repo, quiet: true })`git ${args}`;

async function commit(text: string, message: string): Promise<string> {
  writeFileSync(join(repo, 'deploy', 'local.yaml'), text);
  await git(['commit', '-qam', message]);
  return (await git(['rev-parse', 'HEAD'])).stdout.trim();
}

async function revert(commitSha: string): Promise<string> {
  await git(['revert', '--no-edit', commitSha]);
  return (await git(['rev-parse', 'HEAD'])).stdout.trim();
}

/** Waits until the agent has handled `commit` and is no longer deploying. */
async function settled(commitSha: string, timeoutMs = 240_000): Promise<GitopsStatus> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = readGitopsStatus(paths().gitopsStatus);
    if (status && status.lastSeenCommit === commitSha && status.phase !== 'deploying') return status;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the agent did not settle on ${commitSha.slice(0, 7)} in ${timeoutMs} ms; its log:\n${agentLog.slice(-10).join('\n')}`);
}

async function answeringVersion(): Promise<string | null> {
  const report = await runTraffic({ url: platform.routerUrl, rps: 20, durationMs: 1_000 });
  const versions = Object.keys(report.byVersion);
  return versions.length === 1 ? versions[0]! : versions.join(',');
}

beforeAll(async () => {
  repo = await createDeployRepo('keelson-gitops-', spec('1'));

  platform = await startPlatform({ modelsDir, model: 'penguins', version: '1', port: 0, paths: paths() });
  traffic = new AbortController();
  void runTraffic({ url: platform.routerUrl, rps: 60, durationMs: 600_000, signal: traffic.signal });
  agent = new AbortController();
  agentDone = runGitopsAgent({
    repo,
    branch: 'main',
    environment: 'local',
    intervalMs: 300,
    paths: paths(),
    modelsDir,
    reportsDir: join(repo, 'reports'),
    signal: agent.signal,
    log: (line) => agentLog.push(line),
  });
}, 120_000);

afterAll(async () => {
  agent?.abort();
  traffic?.abort();
  await agentDone?.catch(() => undefined);
  await platform?.stop();
  if (repo) rmSync(repo, { recursive: true, force: true });
}, 60_000);

describe('GitOps on the local platform', () => {
  let c2 = '';

  it('commit penguins:2 → promoted, and status shows the commit as successful', { timeout: 300_000 }, async () => {
    c2 = await commit(spec('2'), 'penguins 2');
    const status = await settled(c2);
    expect(status.lastSuccessfulCommit).toBe(c2);
    expect(status.live?.model.version).toBe('2');
    expect(platform.state().stable?.version).toBe('2');
    expect(await answeringVersion()).toBe('2');
  });

  it('commit penguins:4 (shifted) → rolled back, 2 stays live, status names the failed commit', { timeout: 300_000 }, async () => {
    const c4 = await commit(spec('4'), 'penguins 4');
    const status = await settled(c4);
    expect(status.phase).toBe('failed');
    expect(status.lastAttemptedCommit).toBe(c4);
    expect(status.lastSuccessfulCommit).toBe(c2);
    expect(status.failure?.message).toContain(`commit ${c4.slice(0, 7)} (penguins:4) was rolled back by canary analysis`);
    expect(status.failure?.message).toContain(`running penguins:2 from ${c2.slice(0, 7)}`);
    expect(await answeringVersion()).toBe('2');

    // Reverting the failed commit makes git match what runs: recorded as in sync, no rollout.
    const r4 = await revert(c4);
    const synced = await settled(r4);
    expect(synced.phase).toBe('idle');
    expect(synced.lastSuccessfulCommit).toBe(r4);
    expect(synced.history.at(-1)?.outcome).toBe('in-sync');
  });

  it('an invalid spec commit → refused, nothing changes', { timeout: 120_000 }, async () => {
    const bad = await commit(spec('2').replace('replicas: 1', 'replicas: many'), 'broken spec');
    const status = await settled(bad);
    expect(status.phase).toBe('failed');
    expect(status.failure?.message).toContain('service.replicas');
    expect(status.failure?.message).toContain('nothing changed');
    expect(platform.state().stable?.version).toBe('2');
    await revert(bad);
  });

  it('git revert of the penguins:2 commit → penguins:1 is live again', { timeout: 300_000 }, async () => {
    const r2 = await revert(c2);
    const status = await settled(r2);
    expect(status.lastSuccessfulCommit).toBe(r2);
    expect(status.live?.model.version).toBe('1');
    expect(await answeringVersion()).toBe('1');
  });

  it('two quick commits → only the newest desired state ends live', { timeout: 400_000 }, async () => {
    await commit(spec('4'), 'penguins 4 again');
    const newest = await commit(spec('2'), 'penguins 2 again');
    const status = await settled(newest, 360_000);
    expect(status.lastSuccessfulCommit).toBe(newest);
    expect(platform.state().stable?.version).toBe('2');
    expect(await answeringVersion()).toBe('2');
  });
});
