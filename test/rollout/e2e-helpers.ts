import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { PlatformState } from '../../platform/state.js';
import { parseRolloutPolicy } from '../../rollout/policy.js';
import { whoAnswers } from '../platform/harness.js';

/**
 * A short policy so each rollout takes seconds, not minutes: two steps held 1.5 s each, a 20 s window.
 * The judge keeps its statistics; only its minimum exposure is lowered to what a few seconds of test
 * traffic gives.
 */
export const FAST_POLICY_INPUT = {
  steps: [10, 50],
  interval: '1.5s',
  minStepRequests: 15,
  readyTimeout: '60s',
  analysisTimeout: '20s',
  drainTimeout: '5s',
  judge: { minRequestsPerArm: 50 },
};
export const FAST_POLICY = parseRolloutPolicy(FAST_POLICY_INPUT);

/**
 * For rollouts a test expects to be rolled back: the same, with a 90 s analysis window. A regression ends the rollout
 * as soon as the evidence is conclusive, so the window only bounds how long a miss takes; with the fast policy's 20 s,
 * a loaded machine (fewer requests per second) could reach the window's end first and promote the shifted version.
 */
export const ROLLBACK_POLICY = parseRolloutPolicy({ ...FAST_POLICY_INPUT, analysisTimeout: '90s' });

/** Writes the fast policy to a YAML/JSON file for CLI runs. */
export function fastPolicyFile(overrides: Record<string, unknown> = {}): string {
  const file = join(mkdtempSync(join(tmpdir(), 'keelson-policy-')), 'policy.json');
  writeFileSync(file, JSON.stringify({ ...FAST_POLICY_INPUT, ...overrides }));
  return file;
}

/** A fresh reports directory. */
export function reportsDir(): string {
  return mkdtempSync(join(tmpdir(), 'keelson-reports-'));
}

/** After a rollout: all weight on stable, no canary or baseline left, and only `version` answers through the router. */
export async function expectSettledOn(platform: { state(): PlatformState; routerUrl: string }, version: string): Promise<void> {
  const state = platform.state();
  expect(state.weights).toEqual({ stable: 100, baseline: 0, canary: 0 });
  expect(state.rollout).toBeNull();
  expect(state.stable.version).toBe(version);
  expect(state.instances.filter((i) => i.role !== 'stable')).toEqual([]);
  const answers = await whoAnswers(platform.routerUrl, 20);
  expect(answers.versions).toEqual(new Set([version]));
  expect(answers.variants).toEqual(new Set(['stable']));
}
