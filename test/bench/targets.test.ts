import { describe, expect, it } from 'vitest';
import type { LoadResult } from '../../bench/load/wrk.js';
import { decompose, decompositionTable } from '../../bench/report/decomposition.js';
import { evaluateTargets } from '../../bench/report/targets.js';
import type { ScenarioResult } from '../../bench/scenarios/types.js';

const round = (rps: number, p99Ms = 10): LoadResult => ({
  requests: rps * 10, durationS: 10, rps, p50Ms: p99Ms / 3, p90Ms: p99Ms / 2, p99Ms, p999Ms: p99Ms, maxMs: p99Ms, meanMs: p99Ms / 3,
  errors: 0, errorDetail: { connect: 0, read: 0, write: 0, status: 0, timeout: 0 },
});

function result(id: string, roundsRps: number[], p99Ms = 10): ScenarioResult {
  const rounds = roundsRps.map((rps) => round(rps, p99Ms));
  const requests = rounds.reduce((sum, r) => sum + r.requests, 0);
  return {
    id, label: id, server: id, connections: 64, requests, rps: requests / (10 * rounds.length), p50Ms: p99Ms / 3, p99Ms, errors: 0,
    cpuMsPerRequest: 0.1, busiestThreadCpuMsPerRequest: 0.1, meanBatchSize: Number.NaN, rssBeforeBytes: 0, rssAfterBytes: 0, rounds,
  };
}

const verdict = (checks: ReturnType<typeof evaluateTargets>, id: string) => checks.find((c) => c.id === id)!;

describe('bench targets', () => {
  it('judges the ratios of one run', () => {
    const checks = evaluateTargets({
      ceiling: result('ceiling', [10_000, 10_000]), service: result('service', [6_100, 6_100], 35),
      peers: [result('peer 2w', [1_000, 1_000])], heavyOff: result('off', [2_000, 2_000]), heavyOn: result('on', [5_800, 5_800]),
    });
    expect(verdict(checks, 'throughput-vs-ceiling')).toMatchObject({ verdict: 'PASS', measured: '0.61× (6100 / 10000 rps)' });
    expect(verdict(checks, 'p99-vs-ceiling').verdict).toBe('MISS');
    expect(verdict(checks, 'throughput-vs-peer').verdict).toBe('PASS');
    expect(verdict(checks, 'batching-throughput')).toMatchObject({ verdict: 'MISS', measured: '2.90× (5800 / 2000 rps)' });
    expect(verdict(checks, 'health-p99').verdict).toBe('SKIP');
  });

  it('says when a verdict rests on rounds that disagree', () => {
    const checks = evaluateTargets({ ceiling: result('ceiling', [10_000, 10_000]), service: result('keelson', [6_400, 4_200, 6_500]) });
    expect(verdict(checks, 'throughput-vs-ceiling').measured).toContain('rounds disagree (keelson: 6400 / 4200 / 6500 rps); re-run before trusting this verdict');
    const steady = evaluateTargets({ ceiling: result('ceiling', [10_000, 10_000]), service: result('keelson', [6_400, 6_200, 6_500]) });
    expect(verdict(steady, 'throughput-vs-ceiling').measured).not.toContain('rounds disagree');
  });

  it('judges the peer by its fastest round, so a round where one uvicorn process took every connection cannot help keelson', () => {
    const lopsided = evaluateTargets({ service: result('keelson', [6_400, 6_400, 6_400]), peers: [result('peer 2w', [1_445, 793, 793]), result('peer 1w', [760, 760])] });
    expect(verdict(lopsided, 'throughput-vs-peer')).toMatchObject({ verdict: 'MISS' });
    expect(verdict(lopsided, 'throughput-vs-peer').measured).toContain('4.43× vs peer 2w (fastest round 1445 rps, all rounds 1010)');
    const balanced = evaluateTargets({ service: result('keelson', [6_400, 6_400, 6_400]), peers: [result('peer 2w', [1_200, 1_250, 1_220])] });
    expect(verdict(balanced, 'throughput-vs-peer')).toMatchObject({ verdict: 'PASS' });
  });
});

describe('bench decomposition', () => {
  const withThread = (r: ScenarioResult, ms: number): ScenarioResult => ({ ...r, busiestThreadCpuMsPerRequest: ms });

  it('gives each layer its share of the ceiling and the busiest-thread CPU it adds per request', () => {
    const layers = decompose(withThread(result('1', [40_000]), 0.024), withThread(result('1b', [24_000]), 0.04), withThread(result('2', [14_000]), 0.065));
    expect(layers.map((l) => [l.label, l.ofCeiling.toFixed(2), l.addedMsPerRequest.toFixed(3)])).toEqual([['1', '1.00', 'NaN'], ['1b', '0.60', '0.016'], ['2', '0.35', '0.025']]);
    expect(decompositionTable(layers).split('\n')[3]).toBe('| 1b | 24000 | 0.60× | 0.040 | +0.016 |');
  });

  it('skips layers that did not run and needs the ceiling', () => {
    expect(decompose(result('1', [40_000]), undefined, result('2', [14_000])).map((l) => l.label)).toEqual(['1', '2']);
    expect(decompose(undefined, result('2', [14_000]))).toEqual([]);
    expect(decompositionTable(decompose(result('1', [40_000])))).toBe('');
  });
});
