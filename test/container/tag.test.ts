import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { imageTag, readGitState, validateRepository, validateTag } from '../../container/tag.js';
import { zxExec } from '../../steps/exec.js';

describe('image tag from git state', () => {
  it('is the 12-character commit id for a clean tree', () => {
    expect(imageTag({ sha: '0123456789abcdef0123456789abcdef01234567', dirty: false })).toBe('0123456789ab');
  });

  it('gets -dirty when the tree has uncommitted changes', () => {
    expect(imageTag({ sha: '0123456789abcdef0123456789abcdef01234567', dirty: true })).toBe('0123456789ab-dirty');
  });

  it('refuses to guess outside a git repository and says to pass --tag', () => {
    expect(() => imageTag({ sha: undefined, dirty: false })).toThrow(/not a git repository/);
    try {
      imageTag({ sha: undefined, dirty: false });
    } catch (error) {
      expect((error as { hint?: string }).hint).toMatch(/--tag/);
    }
  });

  it('validates --tag with docker tag grammar, naming the value', () => {
    expect(validateTag('v1.2.3_rc-1')).toBe('v1.2.3_rc-1');
    expect(() => validateTag('-bad')).toThrow("--tag '-bad' is invalid");
    expect(() => validateTag('has space')).toThrow(/--tag 'has space' is invalid/);
    expect(() => validateTag('x'.repeat(129))).toThrow(/is invalid/);
  });

  it('validates repository names', () => {
    expect(validateRepository('team/keelson-service')).toBe('team/keelson-service');
    expect(() => validateRepository('Keelson')).toThrow("--name 'Keelson' is invalid");
  });
});

describe('reading git state (real git)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keelson-tag-'));
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=t@keelson.invalid', '-c', 'user.name=t', ...args], { cwd: dir, encoding: 'utf8' }).trim();
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has no commit to tag by before the first commit', async () => {
    git('init', '-q');
    expect(await readGitState(zxExec, dir)).toEqual({ sha: undefined, dirty: false });
  });

  it('tags a clean checkout by its commit, and a modified or untracked one as dirty', async () => {
    writeFileSync(join(dir, 'a.txt'), 'one');
    git('add', 'a.txt');
    git('commit', '-q', '-m', 'one');
    const sha = git('rev-parse', 'HEAD');
    expect(imageTag(await readGitState(zxExec, dir))).toBe(sha.slice(0, 12));

    writeFileSync(join(dir, 'a.txt'), 'two');
    expect(imageTag(await readGitState(zxExec, dir))).toBe(`${sha.slice(0, 12)}-dirty`);

    git('checkout', '-q', '--', 'a.txt');
    writeFileSync(join(dir, 'new.txt'), 'untracked files go into the image too');
    expect(imageTag(await readGitState(zxExec, dir))).toBe(`${sha.slice(0, 12)}-dirty`);
  });
});
