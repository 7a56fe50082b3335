import { describe, expect, it } from 'vitest';
import type { LoadResult } from '../../bench/load/wrk.js';
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

  it('says when a verdict rests on rounds that disagree (an outlier round of the peer)', () => {
    const checks = evaluateTargets({ service: result('keelson', [6_400, 6_200, 6_500]), peers: [result('peer 2w', [1_445, 1_312, 793])] });
    const peer = verdict(checks, 'throughput-vs-peer');
    expect(peer.verdict).toBe('PASS');
    expect(peer.measured).toContain('rounds disagree (peer 2w: 1445 / 1312 / 793 rps); re-run before trusting this verdict');
    const steady = evaluateTargets({ service: result('keelson', [6_400, 6_200, 6_500]), peers: [result('peer 2w', [1_445, 1_312, 1_400])] });
    expect(verdict(steady, 'throughput-vs-peer').measured).not.toContain('rounds disagree');
  });
});
