import { describe, expect, it } from 'vitest';
import { durationMs, durationProblem, formatMs, parseDuration } from '../../contract/duration.js';

describe('the duration syntax every part of keelson shares', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['1.5s', 1_500],
    ['2m', 120_000],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['1h2m3s4ms', 3_723_004],
    [' 10 s ', 10_000],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(parseDuration(text, 'rejected')).toBe(ms);
  });

  it('reads a bare number in the unit the caller names, or refuses it', () => {
    expect(parseDuration('30')).toBe(30_000);
    expect(parseDuration(30)).toBe(30_000);
    expect(parseDuration('250', 'milliseconds')).toBe(250);
    expect(parseDuration('30', 'rejected')).toBeUndefined();
    expect(parseDuration(30, 'rejected')).toBeUndefined();
  });

  it.each(['soon', '', '10 seconds', '-5s', '1d', 's', '1.s', 'm30s', '10S'])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it.each([null, undefined, {}, [10], Number.NaN, -1])('refuses the non-duration %j', (value) => {
    expect(parseDuration(value)).toBeUndefined();
  });

  it('names the field, the value and what was expected', () => {
    expect(durationProblem('interval', 'soon')).toBe(`'interval' is "soon": expected a duration such as 500ms, 10s, 2m (a bare number is seconds)`);
    expect(durationProblem('drainTimeout', '30', 'rejected')).toBe(`'drainTimeout' is "30": expected a duration such as 500ms, 10s, 2m (with a unit: ms, s, m, h)`);
    class FlagError extends Error {}
    expect(() => durationMs('later', '--timeout', (m) => new FlagError(m))).toThrow(FlagError);
    expect(() => durationMs('later', '--timeout')).toThrow(`'--timeout' is "later": expected a duration such as 500ms, 10s, 2m`);
    expect(durationMs('2m', '--timeout')).toBe(120_000);
  });

  it('formats milliseconds the way it reads them', () => {
    expect([850, 12_000, 1_500, 150_000, 120_000].map(formatMs)).toEqual(['850ms', '12s', '1.5s', '2m30s', '2m']);
    for (const ms of [850, 12_000, 1_500, 150_000]) expect(parseDuration(formatMs(ms))).toBe(ms);
  });
});
