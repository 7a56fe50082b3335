import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runRollout } from '../../rollout/run-rollout.js';
import { backgroundTraffic, startDetachedPlatform, type DetachedPlatform } from '../platform/harness.js';
import { expectSettledOn, FAST_POLICY, reportsDir, ROLLBACK_POLICY } from './e2e-helpers.js';

// One platform for the file: 1 → 2 promotes, then each faulty version is tried against 2 and must leave 2 live.
let platform: DetachedPlatform;
beforeAll(async () => {
  platform = await startDetachedPlatform('1');
});
afterAll(async () => {
  await platform?.stop();
});

async function rolloutUnderLoad(version: string, rps: number, policy = ROLLBACK_POLICY) {
  const from = platform.state().stable.version;
  const answeredBefore = (await platform.answered()).canary;
  const traffic = backgroundTraffic(platform.routerUrl, rps);
  const result = await runRollout({ model: 'penguins', version, policy, paths: platform.paths, reportsDir: reportsDir() });
  const client = await traffic.stop();
  console.info(`${from} → ${version}: ${result.outcome} in ${(result.durationMs / 1_000).toFixed(1)}s, traffic switched ${result.switchMs} ms after the decision (${result.reason}); client: sent ${client.sent}, failed ${client.failed}, p50 ${client.latencyMs.p50.toFixed(1)} ms, p99 ${client.latencyMs.p99.toFixed(1)} ms, max ${client.latencyMs.max.toFixed(0)} ms; report ${result.reports.markdown}`);
  return { from, result, client, canaryAnswered: (await platform.answered()).canary - answeredBefore };
}

describe('canary rollouts on the local platform (real processes, real HTTP, under load)', { timeout: 180_000 }, () => {
  it('promotes 1 → 2 under ~100 rps with zero failed client requests', async () => {
    const { result, client } = await rolloutUnderLoad('2', 80, FAST_POLICY);
    expect(result.reason).toBeTruthy();
    expect(result.outcome, result.reason).toBe('promoted');
    expect(client.failed, JSON.stringify(client.failures.slice(0, 3))).toBe(0);
    expect(client.skipped).toBe(0);
    expect(client.sent).toBeGreaterThan(500);
    expect(client.byVersion['2']).toBeGreaterThan(0);
    await expectSettledOn(platform, '2');
    const md = readFileSync(result.reports.markdown, 'utf8');
    expect(md).toContain('PROMOTED');
    expect(readFileSync(result.reports.html, 'utf8')).toContain('<svg');
  });

  it('rolls back 2 → 3 (slow)', async () => {
    const { from, result, client } = await rolloutUnderLoad('3', 50);
    expect(result.outcome).toBe('rolled-back');
    expect(result.reason).toMatch(/latency/i);
    expect(client.failed, JSON.stringify(client.failures.slice(0, 3))).toBe(0);
    await expectSettledOn(platform, from);
  });

  it('rolls back 2 → 4 (shifted predictions) on the predictions metric', async () => {
    const { from, result, client } = await rolloutUnderLoad('4', 50);
    expect(result.outcome).toBe('rolled-back');
    expect(result.reason).toMatch(/predict|class mix/i);
    expect(client.failed, JSON.stringify(client.failures.slice(0, 3))).toBe(0);
    await expectSettledOn(platform, from);
  });

  it('rolls back 2 → 5 (incompatible input) on errors', async () => {
    const { from, result, client, canaryAnswered } = await rolloutUnderLoad('5', 50);
    expect(result.outcome).toBe('rolled-back');
    expect(result.reason).toMatch(/error/i);
    // The canary's answers were errors; clients saw them only while the canary had traffic.
    expect(client.failed).toBeLessThanOrEqual(canaryAnswered);
    expect(client.failed).toBeGreaterThan(0);
    await expectSettledOn(platform, from);
  });

  it('rolls back 2 → 6 (corrupt) without the canary ever receiving traffic', async () => {
    const { from, result, client, canaryAnswered } = await rolloutUnderLoad('6', 30);
    expect(result.outcome).toBe('rolled-back');
    expect(result.reason).toMatch(/never be ready|not ready within/);
    expect(canaryAnswered).toBe(0);
    expect(client.failed, JSON.stringify(client.failures.slice(0, 3))).toBe(0);
    expect(client.byVariant.canary ?? 0).toBe(0);
    await expectSettledOn(platform, from);
  });
});
