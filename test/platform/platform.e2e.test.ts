import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { PlatformClient } from '../../platform/client.js';
import { PlatformConflict } from '../../platform/errors.js';
import { instanceLogPath } from '../../contract/keelson-paths.js';
import type { Platform } from '../../platform/platform.js';
import { isAlive, readState } from '../../platform/state.js';
import { runTraffic } from '../../platform/traffic/generator.js';
import { eventually, keelson, KEELSON_BIN, killAll, routerPid, startInProcessPlatform, tempHome, whoAnswers } from './harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('keelson up / traffic / status / down (CLI, real processes)', { timeout: 180_000 }, () => {
  it('starts the router and a stable instance in the background, serves traffic, and stops everything', async () => {
    const paths = tempHome();
    const env = { KEELSON_HOME: paths.root };
    cleanups.push(() => killAll(readState(paths.state)?.instances.map((i) => i.pid) ?? []));
    const up = await keelson(['up', '--models', inject('modelsDir'), '--model', 'penguins:1', '--port', '0', '--detach'], env);
    expect(up.stderr).toBe('');
    expect(up.code).toBe(0);
    const state = readState(paths.state)!;
    cleanups.push(() => killAll([state.platform?.pid]));
    expect(up.stdout).toContain(`router ${state.platform!.routerUrl}`);
    expect(state.stable.version).toBe('1');
    expect(state.weights).toEqual({ stable: 100, baseline: 0, canary: 0 });

    const traffic = await keelson(['traffic', '--rps', '20', '--duration', '2s', '--json'], env);
    expect(traffic.code).toBe(0);
    const report = JSON.parse(traffic.stdout) as { sent: number; failed: number; byVersion: Record<string, number>; byVariant: Record<string, number> };
    expect(report.sent).toBe(40);
    expect(report.failed).toBe(0);
    expect(report.byVersion).toEqual({ 1: 40 });
    expect(report.byVariant).toEqual({ stable: 40 });

    const metrics = await (await fetch(`${state.platform!.routerUrl}/metrics`)).text();
    expect(metrics).toMatch(/keelson_router_requests_total\{variant="stable",code="200"\} 40/);
    const status = await keelson(['status'], env);
    expect(status.stdout).toContain('platform: running');
    expect(status.stdout).toContain('stable:   penguins:1');
    const json = JSON.parse((await keelson(['status', '--json'], env)).stdout) as { running: boolean; state: { instances: unknown[] } };
    expect(json.running).toBe(true);
    expect(json.state.instances).toHaveLength(1);

    const instance = state.instances[0]!;
    const log = readFileSync(instanceLogPath(paths, instance.name), 'utf8').trim().split('\n');
    expect(log.length).toBeGreaterThan(0);
    for (const line of log) expect(JSON.parse(line)).toHaveProperty('@timestamp');
    const targets = JSON.parse(readFileSync(`${paths.prometheus}/targets.json`, 'utf8')) as Array<{ labels: { variant: string } }>;
    expect(targets.map((t) => t.labels.variant)).toEqual(['stable']);

    const router = routerPid(paths);
    expect(isAlive(router)).toBe(true);
    const down = await keelson(['down'], env);
    expect(down.code).toBe(0);
    expect(down.stdout).toContain('platform stopped');
    expect(isAlive(state.platform!.pid)).toBe(false);
    expect(isAlive(router)).toBe(false);
    expect(isAlive(instance.pid)).toBe(false);
    expect(readState(paths.state)!.platform).toBeNull();
    expect((await keelson(['down'], env)).stdout).toContain('no platform is running');
  });

  it('stops cleanly on Ctrl-C in the foreground', async () => {
    const paths = tempHome();
    const child = spawn(process.execPath, [KEELSON_BIN, 'up', '--models', inject('modelsDir'), '--model', 'penguins:1', '--port', '0'], {
      env: { ...process.env, KEELSON_HOME: paths.root },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    cleanups.push(() => killAll([child.pid, routerPid(paths), ...(readState(paths.state)?.instances.map((i) => i.pid) ?? [])]));
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    await eventually('`keelson up` says the router is serving', () => stdout.includes('Ctrl-C to stop'), 90_000);
    const pids = [...readState(paths.state)!.instances.map((i) => i.pid), routerPid(paths)];
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
    expect(readState(paths.state)!.platform).toBeNull();
  });
});

describe('the platform during a rollout (control API, real instances)', { timeout: 180_000 }, () => {
  let platform: Platform;

  it('refuses a second rollout, and rolls back one whose controller died', async () => {
    platform = await startInProcessPlatform('1');
    cleanups.push(() => platform.stop());
    const client = new PlatformClient(platform.controlUrl, { tokenFile: platform.paths.controlToken });
    // A stand-in rollout controller: a process we can kill like `kill -9` on `keelson rollout`.
    const owner = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600000)'], { stdio: 'ignore' });
    cleanups.push(() => killAll([owner.pid]));
    await client.beginRollout({ id: 'r-test', model: 'penguins', toVersion: '2', ownerPid: owner.pid!, stepCount: 2 });
    await expect(client.beginRollout({ id: 'r-other', model: 'penguins', toVersion: '3', ownerPid: process.pid, stepCount: 2 })).rejects.toThrow(PlatformConflict);
    await expect(client.beginRollout({ id: 'r-other', model: 'penguins', toVersion: '3', ownerPid: process.pid, stepCount: 2 })).rejects.toThrow(/rollout r-test .* is running/);

    const [canary, baseline] = await Promise.all([client.startInstance('canary', '2'), client.startInstance('baseline', '1')]);
    await eventually('canary and baseline ready', async () => {
      const { state } = await client.view();
      return state.instances.filter((i) => i.status === 'ready').length === 3;
    }, 90_000);
    await client.setWeights({ stable: 50, baseline: 25, canary: 25 });
    await client.updateRollout('r-test', { phase: 'analysing', step: 0, lastDecision: 'continue', lastReasons: ['waiting'] });
    const metrics = await (await fetch(`${platform.routerUrl}/metrics`)).text();
    expect(metrics).toContain('keelson_rollout_weight{variant="canary"} 25');
    expect(metrics).toContain('keelson_rollout_verdict{rollout_id="r-test",decision="continue"} 1');
    expect(metrics).toContain('keelson_rollout_verdict{rollout_id="r-test",decision="rollback"} 0');
    const split = await runTraffic({ url: platform.routerUrl, rps: 40, durationMs: 1_000 });
    expect(split.failed).toBe(0);
    expect(split.byVersion['2']).toBeGreaterThan(0);

    owner.kill('SIGKILL');
    await eventually('the orphaned rollout is rolled back', () => platform.state().rollout === null, 10_000);
    const state = platform.state();
    expect(state.weights).toEqual({ stable: 100, baseline: 0, canary: 0 });
    expect(state.lastRollout).toMatchObject({ id: 'r-test', outcome: 'rolled-back' });
    expect(state.lastRollout!.reason).toContain(`rollout controller (pid ${owner.pid}) went away`);
    expect(await (await fetch(`${platform.routerUrl}/metrics`)).text()).toContain('keelson_rollout_verdict{rollout_id="r-test",decision="rollback"} 1');
    await eventually('canary and baseline stopped', () => !isAlive(canary.pid) && !isAlive(baseline.pid), 20_000);
    expect((await whoAnswers(platform.routerUrl)).versions).toEqual(new Set(['1']));
    expect(existsSync(instanceLogPath(platform.paths, canary.name))).toBe(true);
  });

  it('rolls back on `keelson rollback` at once, and says so when nothing is running', async () => {
    const client = new PlatformClient(platform.controlUrl, { tokenFile: platform.paths.controlToken });
    await client.beginRollout({ id: 'r-manual', model: 'penguins', toVersion: '2', ownerPid: process.pid, stepCount: 1 });
    const canary = await client.startInstance('canary', '2');
    await eventually('canary ready', () => platform.state().instances.some((i) => i.name === canary.name && i.status === 'ready'), 90_000);
    await client.setWeights({ stable: 0, baseline: 0, canary: 100 });
    expect((await whoAnswers(platform.routerUrl)).versions).toEqual(new Set(['2']));
    const env = { KEELSON_HOME: platform.paths.root };
    const rollback = await keelson(['rollback'], env);
    expect(rollback.code).toBe(0);
    expect(rollback.stdout).toContain('rollout r-manual rolled-back: penguins:1 is stable');
    expect((await whoAnswers(platform.routerUrl)).versions).toEqual(new Set(['1']));
    const again = await keelson(['rollback'], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('no rollout is in progress; rollout r-manual already rolled-back');
  });
});
