import { describe, expect, it } from 'vitest';
import type { KnownGood } from '../../platform/state.js';
import { rollbackWindowMatch, rollbackWindowReason } from '../../rollout/rollback-window.js';

const good = (version: string, how: KnownGood['how'] = 'promoted'): KnownGood => ({ version, sha256: `${version}`.repeat(64).slice(0, 64), since: '2026-12-01T00:00:00.000Z', how, rolloutId: `r${version}` });
const to = (toVersion: string, fromVersion = '4', sha = toVersion.repeat(64).slice(0, 64)) => ({ fromVersion, toVersion, toSha256: sha });

describe('rollback window', () => {
  const known = [good('1', 'bootstrap'), good('2'), good('3')];
  it('lets a return to an earlier known-good version with the same bytes skip analysis', () => {
    expect(rollbackWindowMatch(known, to('2'), 3)?.version).toBe('2');
    expect(rollbackWindowMatch(known, to('1'), 3)?.how).toBe('bootstrap');
  });
  it('analyses different bytes, versions never known good, and everything when the window is 0', () => {
    expect(rollbackWindowMatch(known, to('2', '4', 'f'.repeat(64)), 3)).toBeNull();
    expect(rollbackWindowMatch(known, to('4', '3'), 3)).toBeNull();
    expect(rollbackWindowMatch(known, to('2'), 0)).toBeNull();
    expect(rollbackWindowMatch(known, { ...to('2'), toSha256: null }, 3)).toBeNull();
  });
  it('counts revisions back from the current stable, which is not itself in the window', () => {
    expect(rollbackWindowMatch(known, to('1', '3'), 1)).toBeNull();
    expect(rollbackWindowMatch(known, to('2', '3'), 1)?.version).toBe('2');
    expect(rollbackWindowMatch([...known, good('4')], to('1', '4'), 2)).toBeNull();
  });
  it('says why analysis was skipped', () => {
    expect(rollbackWindowReason('penguins', good('2'), 3)).toBe(
      'rollback window: penguins:2 (sha256 222222222222…) was stable before (promoted by canary analysis in r2, since 2026-12-01T00:00:00.000Z); returned to it without analysis (rollbackWindow 3)',
    );
  });
});
