import { describe, expect, it } from 'vitest';
import { afterFailure, classifyFailure, exhaustedStatus, failureReason, nextUpstream, type AttemptFailure } from '../../platform/router/attempts.js';
import { Balancer, type Upstream } from '../../platform/router/balancer.js';
import { ConnectFailure, UpstreamTimeout } from '../../platform/router/forward.js';

const up = (name: string, role: Upstream['role'], version = '1'): Upstream => ({ name, role, version, host: '127.0.0.1', port: 1 });
const stable1 = up('stable-1', 'stable');
const stable2 = up('stable-2', 'stable');
const canary = up('canary-1', 'canary', '2');

function balancer(upstreams: Upstream[], weights = { stable: 90, baseline: 0, canary: 10 }): Balancer {
  const b = new Balancer();
  b.update(upstreams, weights);
  return b;
}
const pickOf = (b: Balancer) => (exclude: ReadonlySet<string>, version: string | undefined) => b.pick(exclude, version);
const refused: AttemptFailure = { kind: 'connect', code: 'ECONNREFUSED', staleConnection: false };
const context = { retryable: true, now: 1_000, ejectMs: 2_000 };

describe('router: which instance a request tries next', () => {
  it('never tries an instance twice for one request while another is left', () => {
    const pick = pickOf(balancer([stable1, stable2, canary]));
    const tried = new Set<string>();
    for (let i = 0; i < 3; i++) tried.add(nextUpstream(pick, tried, new Map(), 0, undefined)!.name);
    expect([...tried].sort()).toEqual(['canary-1', 'stable-1', 'stable-2']);
    expect(nextUpstream(pick, tried, new Map(), 0, undefined)).toBeUndefined();
  });

  it('skips an ejected instance until its ejection ends', () => {
    const pick = pickOf(balancer([stable1, stable2], { stable: 100, baseline: 0, canary: 0 }));
    const ejected = new Map([['stable-1', 5_000]]);
    const before = Array.from({ length: 4 }, () => nextUpstream(pick, new Set(), ejected, 4_999, undefined)!.name);
    expect(before).toEqual(['stable-2', 'stable-2', 'stable-2', 'stable-2']);
    const after = Array.from({ length: 4 }, () => nextUpstream(pick, new Set(), ejected, 5_000, undefined)!.name);
    expect(after).toContain('stable-1');
  });

  it('tries an ejected instance when nothing else is left, but not one this request already tried', () => {
    const pick = pickOf(balancer([stable1, canary]));
    const ejected = new Map([['stable-1', 10_000], ['canary-1', 10_000]]);
    expect(nextUpstream(pick, new Set(['canary-1']), ejected, 0, undefined)?.name).toBe('stable-1');
    expect(nextUpstream(pick, new Set(['canary-1', 'stable-1']), ejected, 0, undefined)).toBeUndefined();
  });

  it('keeps a version-addressed request on that version, and falls back to others when it is gone', () => {
    const pick = pickOf(balancer([stable1, canary], { stable: 100, baseline: 0, canary: 0 }));
    expect(nextUpstream(pick, new Set(), new Map(), 0, '2')?.name).toBe('canary-1');
    expect(nextUpstream(pick, new Set(['canary-1']), new Map(), 0, '2')?.name).toBe('stable-1');
  });
});

describe('router: what a failed attempt leads to', () => {
  it('ejects an instance whose connection failed and retries an idempotent request elsewhere', () => {
    expect(afterFailure(refused, canary, context)).toEqual({ kind: 'retry-elsewhere', error: 'instance canary-1 (canary) failed: ECONNREFUSED', ejectUntil: 3_000 });
  });

  it('retries a stale kept-alive connection on the same instance without ejecting it', () => {
    const stale: AttemptFailure = { kind: 'connect', code: 'ECONNRESET', staleConnection: true };
    expect(afterFailure(stale, stable1, context)).toEqual({ kind: 'retry-fresh-connection', error: 'instance stable-1 (stable) failed: ECONNRESET' });
  });

  it('answers 502 naming the instance when the request may not be sent twice', () => {
    expect(afterFailure(refused, canary, { ...context, retryable: false })).toEqual({ kind: 'answer', status: 502, error: 'instance canary-1 (canary) failed: ECONNREFUSED', variant: 'none' });
  });

  it('answers 504 on a timeout without retrying, even an idempotent request (the instance may still be working)', () => {
    const timeout = classifyFailure(new UpstreamTimeout('stable-1', 30_000));
    expect(afterFailure(timeout, stable1, context)).toEqual({ kind: 'answer', status: 504, error: 'instance stable-1 did not answer within 30000 ms', variant: 'stable' });
    expect(failureReason(timeout)).toBe('timeout');
  });

  it('reads a reset on a reused connection as stale, and on a new one as the instance failing', () => {
    expect(classifyFailure(new ConnectFailure('s', 'ECONNRESET', true))).toEqual({ kind: 'connect', code: 'ECONNRESET', staleConnection: true });
    expect(classifyFailure(new ConnectFailure('s', 'ECONNRESET', false))).toEqual({ kind: 'connect', code: 'ECONNRESET', staleConnection: false });
    expect(classifyFailure(new ConnectFailure('s', 'ECONNREFUSED', true))).toMatchObject({ staleConnection: false });
    expect(failureReason(classifyFailure(new Error('boom')))).toBe('Error: boom');
  });

  it('answers 503 when no instance could be tried, 502 when every one tried failed', () => {
    expect(exhaustedStatus(new Set())).toBe(503);
    expect(exhaustedStatus(new Set(['stable-1']))).toBe(502);
  });
});
