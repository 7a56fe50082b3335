import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { instanceLogPath } from '../../contract/keelson-paths.js';
import { isAlive, readState } from '../../platform/state.js';
import { fastPolicyFile, reportsDir } from '../rollout/e2e-helpers.js';
import { backgroundTraffic, eventually, keelson, KEELSON_BIN, killAll, routerPid, startDetachedPlatform, type DetachedPlatform } from './harness.js';

// The data plane (router and instance processes) outlives the control plane (`keelson up`): killing the
// platform with SIGKILL mid-rollout must not fail a single client request, and a restart takes over what serves.
const running: DetachedPlatform[] = [];
const pids: Array<number | null | undefined> = [];
afterEach(async () => {
  for (const p of running.splice(0)) await p.stop();
  killAll(pids.splice(0));
});

const env = (p: DetachedPlatform) => ({ KEELSON_HOME: p.paths.root });
const inStep = (p: DetachedPlatform) => (): boolean => (p.state().rollout?.step ?? -1) >= 0;
const stablePids = (p: DetachedPlatform) => p.state().instances.filter((i) => i.role === 'stable').map((i) => i.pid);

/** `keelson up --detach` again in the same directory, without `--model`: what a person (or systemd) does after a crash. */
async function restart(p: DetachedPlatform): Promise<void> {
  const up = await keelson(['up', '--models', inject('modelsDir'), '--port', '0', '--detach'], env(p));
  expect(up.code, up.stderr).toBe(0);
  pids.push(readState(p.paths.state)!.platform!.pid);
}

describe('the control plane dies, the data plane serves on (real processes under load)', { timeout: 240_000 }, () => {
  it('kill -9 of the platform and its rollout controller mid-rollout, then a restart: zero failed requests, the same processes serve, the canary is rolled back', async () => {
    const platform = await startDetachedPlatform('1');
    running.push(platform);
    const router = routerPid(platform.paths);
    const stable = stablePids(platform);
    const traffic = backgroundTraffic(platform.routerUrl, 50);
    const controller = spawn(process.execPath, [KEELSON_BIN, 'rollout', '--model', 'penguins:2', '--policy', fastPolicyFile(), '--reports', reportsDir()], {
      env: { ...process.env, ...env(platform) },
      stdio: 'ignore',
    });
    pids.push(controller.pid);
    await eventually('the canary takes traffic', inStep(platform), 90_000);
    const rollout = platform.state().rollout!;
    const arms = platform.state().instances.filter((i) => i.role !== 'stable');

    // As with `npm start`, where platform, GitOps agent and rollout controller share one process.
    process.kill(platform.state().platform!.pid, 'SIGKILL');
    controller.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 2_000));
    expect(isAlive(router)).toBe(true);

    await restart(platform);
    await eventually('the restarted platform ended the orphaned rollout', () => platform.state().rollout === null && platform.state().lastRollout?.id === rollout.id, 30_000);
    const client = await traffic.stop();
    const state = platform.state();
    console.info(`kill -9 mid-rollout: ${client.sent} requests, ${client.failed} failed; ${state.lastRollout?.outcome}: ${state.lastRollout?.reason}`);

    expect(client.failed, JSON.stringify(client.failures.slice(0, 3))).toBe(0);
    expect(state.lastRollout?.outcome).toBe('rolled-back');
    expect(state.lastRollout?.reason).toContain(`the rollout controller (pid ${controller.pid}) went away`);
    expect(state.weights).toEqual({ stable: 100, baseline: 0, canary: 0 });
    expect(state.stable.version).toBe('1');
    expect(routerPid(platform.paths)).toBe(router);
    expect(stablePids(platform)).toEqual(stable);
    for (const arm of arms) await eventually(`${arm.role} ${arm.name} stopped`, () => !isAlive(arm.pid), 20_000);
    expect(state.history.map((h) => h.kind)).toContain('instance-adopted');
  });

  it('kill -9 of the platform alone mid-rollout: the controller waits for the restarted platform and the judge still decides; zero failed requests', async () => {
    const platform = await startDetachedPlatform('1');
    running.push(platform);
    const traffic = backgroundTraffic(platform.routerUrl, 50);
    const controller = spawn(process.execPath, [KEELSON_BIN, 'rollout', '--model', 'penguins:2', '--policy', fastPolicyFile({ analysisTimeout: '40s' }), '--reports', reportsDir()], {
      env: { ...process.env, ...env(platform) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    pids.push(controller.pid);
    let output = '';
    controller.stdout!.on('data', (c: Buffer) => (output += c));
    controller.stderr!.on('data', (c: Buffer) => (output += c));
    const exited = new Promise<number | null>((resolve) => controller.on('exit', resolve));
    await eventually('the canary takes traffic', inStep(platform), 90_000);
    const controlUrl = platform.state().platform!.controlUrl;

    process.kill(platform.state().platform!.pid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 1_500));
    await restart(platform);
    // The same control port, so the controller's retries reach the new platform.
    expect(platform.state().platform!.controlUrl).toBe(controlUrl);
    const code = await exited;
    const client = await traffic.stop();
    const end = platform.state().lastRollout!;
    console.info(`platform killed mid-rollout: controller exit ${code}, ${end.outcome} decided by ${end.decidedBy}; ${client.failed} of ${client.sent} requests failed`);
    expect(end.decidedBy, output).toBe('judge');
    expect(code).toBe(end.outcome === 'promoted' ? 0 : 2);
    expect(client.failed, JSON.stringify(client.failures.slice(0, 3))).toBe(0);
  });

  it('a restart after a crash adopts the stable instance and keeps its version', async () => {
    const platform = await startDetachedPlatform('2', { LOG_LEVEL: 'info' });
    running.push(platform);
    const stable = stablePids(platform);
    process.kill(platform.state().platform!.pid, 'SIGKILL');
    await restart(platform);
    const state = platform.state();
    expect(state.stable.version).toBe('2');
    expect(stablePids(platform)).toEqual(stable);
    expect(state.history.map((h) => h.message)).toContain('penguins:2 stays stable, as when the previous run ended');
    // The adopted instance still logs to its own file: its output never went through the dead platform.
    // Each request is logged (at info, with its request id) by the instance itself.
    const instance = state.instances[0]!;
    const answer = await fetch(`${instance.url}/v2/models/no-such-model`);
    expect(answer.status).toBe(404);
    const requestId = answer.headers.get('x-request-id')!;
    const logged = () => readFileSync(instanceLogPath(platform.paths, instance.name), 'utf8').split('\n').filter((line) => line.includes(requestId));
    await eventually('the adopted instance logs the request', () => logged().length > 0, 10_000);
    expect(JSON.parse(logged()[0]!)).toMatchObject({ 'log.level': 'info', http: { response: { status_code: 404 } } });
  });

  it('a person naming another version on restart is obeyed and recorded as forced, without analysis', async () => {
    const platform = await startDetachedPlatform('2');
    running.push(platform);
    const old = stablePids(platform);
    process.kill(platform.state().platform!.pid, 'SIGKILL');
    const up = await keelson(['up', '--models', inject('modelsDir'), '--model', 'penguins:1', '--port', '0', '--detach'], env(platform));
    expect(up.code, up.stderr).toBe(0);
    pids.push(readState(platform.paths.state)!.platform!.pid);
    const state = platform.state();
    expect(state.stable.version).toBe('1');
    expect(state.history.find((h) => h.kind === 'stable-forced')?.message).toBe('penguins:1 made stable by a person (--model) without canary analysis; the previous stable was 2');
    expect(state.knownGood?.map((k) => k.version)).toEqual(['2']);
    await eventually('the old stable instance stopped', () => old.every((pid) => !isAlive(pid)), 20_000);
  });
});
