import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlatformClient } from '../../platform/client.js';
import { runRollout } from '../../rollout/run-rollout.js';
import { startFlakyProxy, type FlakyProxy } from '../platform/flaky-proxy.js';
import { backgroundTraffic, eventually, startDetachedPlatform, type DetachedPlatform } from '../platform/harness.js';
import { expectSettledOn, FAST_POLICY, reportsDir } from './e2e-helpers.js';

// The rollout controller talks to a real platform (`keelson up --detach`) through a proxy that breaks its
// control API connections in the middle of the rollout.
let platform: DetachedPlatform;
let proxy: FlakyProxy;
beforeAll(async () => {
  platform = await startDetachedPlatform('1');
  proxy = await startFlakyProxy(platform.state().platform!.controlUrl);
});
afterAll(async () => {
  await proxy?.close();
  await platform?.stop();
});

const inStep = (): boolean => (platform.state().rollout?.step ?? -1) >= 0;

/** Runs `body` under background traffic, stopping the traffic process whatever happens. */
async function stopping<T>(traffic: ReturnType<typeof backgroundTraffic>, body: () => Promise<T>) {
  try {
    const result = await body();
    return { result, load: await traffic.stop() };
  } catch (error) {
    await traffic.stop().catch(() => undefined);
    throw error;
  }
}

describe('rollouts whose control API connections break (real processes)', { timeout: 180_000 }, () => {
  it('carries on through transient connection resets and ends by the judge', async () => {
    const traffic = backgroundTraffic(platform.routerUrl, 60);
    const client = new PlatformClient(proxy.url, { unreachableAfterMs: 20_000, tokenFile: platform.paths.controlToken });
    const before = proxy.resets;
    let lose: NodeJS.Timeout | undefined;
    const { result, load } = await stopping(traffic, async () => {
      const running = runRollout({ model: 'penguins', version: '2', policy: FAST_POLICY, paths: platform.paths, client, reportsDir: reportsDir() });
      await eventually('the canary takes traffic', inStep, 90_000);
      // Every control connection reset for a second, then a few answers lost after the platform acted.
      proxy.breakFor(1_000);
      lose = setTimeout(() => proxy.resetNext(4, 'response'), 1_200);
      return running;
    }).finally(() => clearTimeout(lose));
    console.info(`control resets (${proxy.resets - before}): ${result.outcome} by ${result.decidedBy}: ${result.reason}`);
    expect(proxy.resets - before).toBeGreaterThanOrEqual(2);
    expect(result.reason).not.toContain('controller');
    expect(result.decidedBy).toBe('judge');
    expect(result.outcome, result.reason).toBe('promoted');
    expect(load.failed, JSON.stringify(load.failures.slice(0, 3))).toBe(0);
    await expectSettledOn(platform, '2');
  });

  it('ends as the controller\'s failure, not the judge\'s, when the platform stays unreachable past the limit', async () => {
    const traffic = backgroundTraffic(platform.routerUrl, 40);
    const client = new PlatformClient(proxy.url, { unreachableAfterMs: 2_000, tokenFile: platform.paths.controlToken });
    const { result } = await stopping(traffic, async () => {
      const running = runRollout({ model: 'penguins', version: '3', policy: FAST_POLICY, paths: platform.paths, client, reportsDir: reportsDir() });
      await eventually('the canary takes traffic', inStep, 90_000);
      // Longer than the limit, shorter than the limit twice: the controller gives up, its rollback gets through.
      proxy.breakFor(3_500);
      return running;
    });
    console.info(`control unreachable: ${result.outcome} by ${result.decidedBy}: ${result.reason}`);
    expect(result.decidedBy).toBe('controller');
    expect(result.outcome).toBe('rolled-back');
    expect(result.reason).toMatch(
      /^the rollout controller lost the platform: platform unreachable for [23] s \(control API http:\/\/127\.0\.0\.1:\d+, \d+ attempts, last: .+\); weights last seen stable \d+% baseline \d+% canary \d+% at [\d:]+ UTC \(rollout \S+ at step \d of 2\); run `keelson status`; rolled back to stable$/,
    );
    expect(result.reason).not.toContain('canary analysis');
    expect(platform.state().lastRollout).toMatchObject({ id: result.id, outcome: 'rolled-back', reason: result.reason });
    await expectSettledOn(platform, '2');
  });
});
