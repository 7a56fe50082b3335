import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../steps/ports.js';
import { isAlive } from '../../platform/state.js';
import { parseRolloutPolicy } from '../../rollout/policy.js';
import { runRollout } from '../../rollout/run-rollout.js';
import { backgroundTraffic, eventually, keelson, KEELSON_BIN, killAll, startDetachedPlatform, tempHome, type DetachedPlatform } from '../platform/harness.js';
import { expectSettledOn, FAST_POLICY, FAST_POLICY_INPUT, fastPolicyFile, reportsDir } from './e2e-helpers.js';

let platform: DetachedPlatform;
const cleanups: Array<() => void> = [];
beforeAll(async () => {
  platform = await startDetachedPlatform('1');
});
afterAll(async () => {
  for (const c of cleanups) c();
  await platform?.stop();
});

const inStep = (): boolean => (platform.state().rollout?.step ?? -1) >= 0;

describe('rollouts that go wrong (real processes)', { timeout: 180_000 }, () => {
  it('refuses a concurrent rollout with the running id, and rolls back when the canary is killed mid-rollout', async () => {
    const traffic = backgroundTraffic(platform.routerUrl, 50);
    const running = runRollout({ model: 'penguins', version: '2', policy: FAST_POLICY, paths: platform.paths, reportsDir: reportsDir() });
    await eventually('the canary takes traffic', inStep, 60_000);
    const id = platform.state().rollout!.id;

    const second = await keelson(['rollout', '--model', 'penguins:3', '--policy', fastPolicyFile()], { KEELSON_HOME: platform.paths.root });
    expect(second.code).toBe(3);
    expect(second.stderr.trim().split('\n').at(-1)).toContain(`rollout ${id}`);

    const canary = platform.state().instances.find((i) => i.role === 'canary')!;
    process.kill(canary.pid!, 'SIGKILL');
    const result = await running;
    const client = await traffic.stop();
    console.info(`canary killed: ${result.outcome}: ${result.reason}; client failed ${client.failed} of ${client.sent}`);
    expect(result.outcome).toBe('rolled-back');
    expect(result.reason).toContain(`the canary instance ${canary.name}`);
    expect(result.reason).toContain('was killed by SIGKILL');
    // Only requests in flight on the killed instance may fail (the router retries the others elsewhere).
    expect(client.failed, JSON.stringify(client.failures.slice(0, 3))).toBeLessThanOrEqual(5);
    await expectSettledOn(platform, '1');
  });

  it('never promotes when the metric source is unreachable', async () => {
    const traffic = backgroundTraffic(platform.routerUrl, 40);
    const policy = parseRolloutPolicy({ ...FAST_POLICY_INPUT, analysisTimeout: '8s' });
    const closed = await freePort(); // nothing listens there: connections are refused
    const result = await runRollout({ model: 'penguins', version: '2', policy, paths: platform.paths, prometheusUrl: `http://127.0.0.1:${closed}`, reportsDir: reportsDir() });
    const client = await traffic.stop();
    console.info(`source unreachable: ${result.outcome}: ${result.reason}`);
    expect(result.outcome).toBe('rolled-back');
    expect(result.reason).toMatch(/without enough data: no data from baseline and canary at t=[\d.]+ \(baseline: Prometheus at http:\/\/127\.0\.0\.1:\d+\/?: fetch failed: connect ECONNREFUSED/);
    expect(client.failed, JSON.stringify(client.failures.slice(0, 3))).toBe(0);
    await expectSettledOn(platform, '1');
  });

  it('ends promoted or rolled back, never split, when the rollout process is killed mid-step and rerun', async () => {
    const env = { KEELSON_HOME: platform.paths.root };
    const policy = fastPolicyFile();
    const traffic = backgroundTraffic(platform.routerUrl, 50);
    const first = spawn(process.execPath, [KEELSON_BIN, 'rollout', '--model', 'penguins:2', '--policy', policy, '--reports', reportsDir()], { env: { ...process.env, ...env }, stdio: 'ignore' });
    cleanups.push(() => killAll([first.pid]));
    await eventually('the first rollout shifts traffic', inStep, 90_000);
    first.kill('SIGKILL');
    // Nobody decides for the dead controller's split: the platform rolls it back on its own.
    await eventually('traffic is back on stable', () => platform.state().weights.stable === 100 && platform.state().rollout === null, 5_000);

    const rerun = await keelson(['rollout', '--model', 'penguins:2', '--policy', policy, '--reports', reportsDir()], env);
    const client = await traffic.stop();
    console.info(`rerun after kill: exit ${rerun.code}: ${rerun.stderr.trim().split('\n').at(-1)} ${rerun.stdout.trim().split('\n').at(-1)}`);
    expect([0, 2], rerun.stderr).toContain(rerun.code);
    const lastLine = rerun.stderr.trim().split('\n').at(-1) ?? '';
    if (rerun.code === 0) expect(rerun.stdout).toContain('promoted penguins:2');
    else expect(lastLine).toContain('rolled back penguins:2');
    expect(client.failed, JSON.stringify(client.failures.slice(0, 3))).toBe(0);
    await expectSettledOn(platform, rerun.code === 0 ? '2' : '1');
    expect(isAlive(first.pid)).toBe(false);
  });
});

describe('a rollout without traffic (real processes, no load running)', { timeout: 120_000 }, () => {
  it('says no requests arrive, what to run, and rolls back at the end of the window naming the stall', async () => {
    const stable = platform.state().stable.version;
    const run = await keelson(['rollout', '--model', 'penguins:3', '--policy', fastPolicyFile({ analysisTimeout: '6s' }), '--reports', reportsDir()], { KEELSON_HOME: platform.paths.root, KEELSON_PROGRESS: 'plain' });
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/no requests reached the canary in the last [\d.]+s \(0 of 15 for step 1, minStepRequests\): is traffic running\? start some with `keelson traffic --duration \d+m`/);
    expect(run.stderr.trim().split('\n').at(-1)).toContain('no requests reached the canary in the last');
    await expectSettledOn(platform, stable);
  });
});

describe('keelson rollout refuses bad input before anything starts', () => {
  it('names the wrong field of a policy file and the allowed values', async () => {
    const home = tempHome();
    const bad = fastPolicyFile({ steps: [25, 5], colour: 'blue' });
    const run = await keelson(['rollout', '--model', 'penguins:2', '--policy', bad], { KEELSON_HOME: home.root }, 60_000);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("'colour' is not a policy field: allowed fields are steps, interval");
    expect(run.stderr).toContain("'steps[1]' is 5: expected more than the step before (25)");
  });

  it('says to start the platform when none runs', async () => {
    const run = await keelson(['rollout', '--model', 'penguins:2'], { KEELSON_HOME: tempHome().root }, 60_000);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(/no platform is running .*keelson up/);
  });
});
