import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keelson, scratch, writeFeedbackLog } from './helpers.js';

const SPEC = join(import.meta.dirname, '..', '..', 'deploy', 'local.yaml');

/** A git repository with the real deploy/local.yaml (pinning penguins 2) committed, and models/ ignored as in keelson's own tree. */
function repository(): { root: string; models: string; git: (...args: string[]) => string } {
  const { root, models } = scratch();
  const git = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' });
  git('init', '--quiet', '--initial-branch', 'main');
  git('config', 'user.email', 'retrain-test@example.com');
  git('config', 'user.name', 'retrain test');
  mkdirSync(join(root, 'deploy'));
  copyFileSync(SPEC, join(root, 'deploy', 'local.yaml'));
  writeFileSync(join(root, '.gitignore'), '/models/\n/log/\n');
  git('add', '.');
  git('commit', '--quiet', '-m', 'initial');
  return { root, models, git };
}

describe('keelson models retrain --propose local', () => {
  it('commits the new version into deploy/local.yaml; every other byte of the file is unchanged', async () => {
    const { root, models, git } = repository();
    writeFeedbackLog(join(root, 'log'), 400);
    const before = readFileSync(join(root, 'deploy', 'local.yaml'), 'utf8');
    const run = await keelson(['models', 'retrain', '--models', models, '--model', 'penguins', '--feedback-log', join(root, 'log'), '--propose', 'local', '--repo', root]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/LIVE penguins:2\s+CANDIDATE penguins:5/);

    expect(git('log', '-1', '--format=%s').trim()).toBe('retrain: penguins 2 → 5 (held-out 0.98, traffic 1.00)');
    expect(git('show', '--name-only', '--format=', 'HEAD').trim()).toBe('deploy/local.yaml');
    expect(git('status', '--porcelain')).toBe('');
    const sha256 = (JSON.parse(readFileSync(join(models, 'penguins', '5', 'model.json'), 'utf8')) as { sha256: string }).sha256;
    const expected = before
      .replace('version: "2"', 'version: "5"')
      .replace('uri: models/penguins/2', 'uri: models/penguins/5')
      .replace(/sha256: [0-9a-f]{64}/, `sha256: ${sha256}`);
    expect(expected).not.toBe(before);
    expect(git('show', 'HEAD:deploy/local.yaml')).toBe(expected);
    expect(run.stderr).toMatch(/committed [0-9a-f]{12} to deploy\/local\.yaml: retrain: penguins 2 → 5/);
  });

  it('refuses before training when the spec has uncommitted edits or pins other files than --models holds', async () => {
    const { root, models, git } = repository();
    writeFeedbackLog(join(root, 'log'), 100);
    const spec = join(root, 'deploy', 'local.yaml');
    const args = ['models', 'retrain', '--models', models, '--model', 'penguins', '--feedback-log', join(root, 'log'), '--propose', 'local', '--repo', root];
    writeFileSync(spec, `${readFileSync(spec, 'utf8')}# an edit in progress\n`);
    const dirty = await keelson(args);
    expect(dirty.code).toBe(1);
    expect(dirty.stderr).toContain('--propose local: deploy/local.yaml has uncommitted changes; commit or stash them first');
    git('checkout', '--', 'deploy/local.yaml');

    writeFileSync(spec, readFileSync(spec, 'utf8').replace(/sha256: [0-9a-f]{64}/, `sha256: ${'a'.repeat(64)}`));
    git('commit', '--quiet', '-am', 'pin other bytes');
    const other = await keelson(args);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(`the deploy spec pins penguins:2 with sha256 ${'a'.repeat(64)}, but ${join(models, 'penguins', '2')} holds`);
    expect(readdirSync(join(models, 'penguins'))).toEqual(['2', '4']);
    expect(git('log', '-1', '--format=%s').trim()).toBe('pin other bytes');
  });
});
