import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openGitSource } from '../../gitops/git.js';

const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
const git = (dir: string, ...args: string[]) => execFileSync('git', ['-C', dir, ...args], { env, encoding: 'utf8' }).trim();

describe('the git adapter (the only module that runs git)', () => {
  const work = mkdtempSync(join(tmpdir(), 'keelson-git-'));
  const repo = join(work, 'repo');
  let first = '';

  beforeAll(() => {
    mkdirSync(join(repo, 'deploy'), { recursive: true });
    git(repo, 'init', '-q', '-b', 'main');
    writeFileSync(join(repo, 'deploy', 'local.yaml'), 'version: 1\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '-q', '-m', 'first');
    first = git(repo, 'rev-parse', 'HEAD');
    writeFileSync(join(repo, 'deploy', 'local.yaml'), 'version: 2 (not committed)\n');
  });

  it('reads a branch head and a file at a commit, never the working tree', async () => {
    const source = openGitSource(repo, join(work, 'mirror.git'));
    expect(await source.head('main')).toBe(first);
    expect(await source.head('no-such-branch')).toBeNull();
    expect(await source.readFile(first, 'deploy/local.yaml')).toBe('version: 1\n');
    expect(await source.readFile(first, 'deploy/missing.yaml')).toBeNull();
    expect(await source.describe(first)).toMatch(/^[0-9a-f]{7,} first$/);
  });

  it('exports a commit into a directory, and says why it could not', async () => {
    const source = openGitSource(repo, join(work, 'mirror.git'));
    const target = join(work, 'export');
    mkdirSync(target);
    expect(await source.archive(first, target)).toEqual({ ok: true });
    expect(readFileSync(join(target, 'deploy', 'local.yaml'), 'utf8')).toBe('version: 1\n');
    expect(existsSync(join(target, '.git'))).toBe(false);
    const failed = await source.archive('0'.repeat(40), target);
    expect(failed).toMatchObject({ ok: false });
    expect(failed.ok ? '' : failed.message).toMatch(/0{40}|not a valid|bad/i);
  });
});
