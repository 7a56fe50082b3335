import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { $ } from 'zx';
import { keelsonPaths } from '../../contract/keelson-paths.js';
import { readState, type PlatformState } from '../../platform/state.js';
import { readGitopsStatus, writeGitopsStatus, type GitopsStatus } from '../../gitops/status.js';
import { backgroundTraffic, eventually, keelson, KEELSON_BIN, killAll, routerPid, whoAnswers } from '../platform/harness.js';
import { createDeployRepo, localSpec } from './deploy-repo.js';

// `keelson start` (what `npm start` runs) as a real process over a real git repository, killed with SIGKILL at the
// worst moment: right after the judge rolled a canary back, before the agent wrote it down. Git still names the
// rejected version; a restart must serve the old good one and must not retry the rejected commit. Then a person
// forces the bad version live, and `git revert` must bring the good one back without being judged against it.
const modelsDir = inject('modelsDir');
const sha = (version: string) => createHash('sha256').update(readFileSync(join(modelsDir, 'penguins', version, 'model.onnx'))).digest('hex');
const spec = (version: string) => localSpec(modelsDir, version);

let repo: string;
let start: ChildProcess | undefined;
let output = '';
const pids: Array<number | null | undefined> = [];
const paths = () => keelsonPaths(join(repo, '.keelson'));
const env = () => ({ KEELSON_HOME: paths().root });
const state = (): PlatformState => readState(paths().state)!;
const gitops = (): GitopsStatus => readGitopsStatus(join(paths().root, 'gitops.json'))!;
const git = (args: string[]) => $({ cwd: repo, quiet: true })`git ${args}`;

async function commit(version: string, message: string): Promise<string> {
  writeFileSync(join(repo, 'deploy', 'local.yaml'), spec(version));
  await git(['commit', '-qam', message]);
  return (await git(['rev-parse', 'HEAD'])).stdout.trim();
}

/** `keelson start` in the repository, resolved once the router serves. */
async function startKeelson(): Promise<void> {
  output = '';
  start = spawn(process.execPath, [KEELSON_BIN, 'start', '--models', modelsDir, '--port', '0', '--interval', '300ms'], {
    cwd: repo,
    env: { ...process.env, ...env() },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  start.stdout!.on('data', (c: Buffer) => (output += c));
  start.stderr!.on('data', (c: Buffer) => (output += c));
  pids.push(start.pid);
  await eventually('keelson start serves', () => output.includes('Ctrl-C stops everything'), 120_000);
}

async function settled(commitSha: string, timeoutMs = 120_000): Promise<GitopsStatus> {
  await eventually(`the agent settles on ${commitSha.slice(0, 7)}:\n${output.slice(-2000)}`, () => {
    const s = readGitopsStatus(join(paths().root, 'gitops.json'));
    return Boolean(s && s.lastSeenCommit === commitSha && s.phase !== 'deploying');
  }, timeoutMs);
  return gitops();
}

beforeAll(async () => {
  repo = await createDeployRepo('keelson-restart-', spec('1'));
  await startKeelson();
}, 180_000);

afterAll(async () => {
  start?.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 3_000));
  killAll([...pids, routerPid(paths()), ...(readState(paths().state)?.instances.map((i) => i.pid) ?? [])]);
  rmSync(repo, { recursive: true, force: true });
}, 60_000);

describe('keelson start: crashes, restarts and reverts never serve what the judge rejected', { timeout: 300_000 }, () => {
  let c2 = '';
  let c4 = '';

  it('a crash right after the judge rolled penguins:4 back, with git still naming 4: the restart serves 2 and does not retry 4', async () => {
    const traffic = backgroundTraffic(JSON.parse(readFileSync(join(paths().root, 'router.json'), 'utf8')).url as string, 60);
    c2 = await commit('2', 'penguins 2');
    expect((await settled(c2)).live?.model.version).toBe('2');

    c4 = await commit('4', 'penguins 4');
    await eventually('the judge rolled penguins:4 back', () => state().lastRollout?.toVersion === '4', 120_000);
    start!.kill('SIGKILL');
    // What a crash at this moment leaves behind if the agent had not written the outcome yet.
    const left = gitops();
    if (left.phase !== 'deploying') writeGitopsStatus(join(paths().root, 'gitops.json'), { ...left, phase: 'deploying', deploying: { commit: c4, model: { name: 'penguins', version: '4', sha256: sha('4') }, startedAt: new Date(Date.parse(state().lastRollout!.at) - 20_000).toISOString() }, failure: null });
    const rolledBack = state().lastRollout!;

    await startKeelson();
    expect(output).toContain('→ penguins:2 (git asks for 4');
    const status = await settled(c4);
    expect(status.phase).toBe('failed');
    expect(status.failure?.message).toContain(`commit ${c4.slice(0, 7)} (penguins:4) was rolled back by canary analysis`);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(state().lastRollout?.id).toBe(rolledBack.id);
    expect(state().rollout).toBeNull();
    expect(state().stable.version).toBe('2');
    expect((await whoAnswers(state().platform!.routerUrl, 20)).versions).toEqual(new Set(['2']));
    const client = await traffic.stop();
    console.info(`crash after rollback: ${client.sent} requests, ${client.failed} failed`);
    expect(client.failed, JSON.stringify(client.failures.slice(0, 3))).toBe(0);
  });

  it('a person forces penguins:4 live; `git revert` of the 4 commit brings 2 back at once (rollback window), not judged against 4', async () => {
    const traffic = backgroundTraffic(state().platform!.routerUrl, 60);
    const policy = join(repo, 'fast.json');
    writeFileSync(policy, JSON.stringify({ steps: [25, 50], interval: '1s', minStepRequests: 20, analysisTimeout: '60s' }));
    const rollout = spawn(process.execPath, [KEELSON_BIN, 'rollout', '--model', 'penguins:4', '--policy', policy], { cwd: repo, env: { ...process.env, ...env() }, stdio: 'ignore' });
    pids.push(rollout.pid);
    await eventually('the manual canary takes traffic', () => (state().rollout?.step ?? -1) >= 0, 90_000);
    const promoted = await keelson(['promote', '--reason', 'I know better'], env());
    expect(promoted.code, promoted.stderr).toBe(0);
    await eventually('penguins:4 is stable', () => state().stable.version === '4' && state().rollout === null, 30_000);
    expect(state().knownGood?.map((k) => k.version)).not.toContain('4');

    await git(['revert', '--no-edit', c4]);
    const revert = (await git(['rev-parse', 'HEAD'])).stdout.trim();
    const status = await settled(revert);
    expect(status.phase, status.failure?.message).toBe('idle');
    expect(status.live?.model.version).toBe('2');
    expect(state().lastRollout?.reason).toMatch(/^rollback window: penguins:2 \(sha256 [0-9a-f]{12}…\) was stable/);
    expect(state().lastRollout?.decidedBy).toBe('rollback-window');
    expect((await whoAnswers(state().platform!.routerUrl, 20)).versions).toEqual(new Set(['2']));
    const client = await traffic.stop();
    expect(client.failed, JSON.stringify(client.failures.slice(0, 3))).toBe(0);
  });
});
