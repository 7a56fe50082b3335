/** The fast parts of `keelson release`: the spec rewrite, the commit subject, URL redaction, and its git adapter on real repositories. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDeploySpec } from '../../contract/deploy-spec.js';
import { writeReleasedFields } from '../../pipelines/deploy-spec-edit.js';
import { releaseSubject } from '../../pipelines/release.js';
import { redactUrl, releaseGit } from '../../pipelines/release-git.js';
import { zxExec } from '../../steps/exec.js';

const production = readFileSync(join(import.meta.dirname, '..', '..', 'deploy', 'production.yaml'), 'utf8');
const image = `ghcr.io/keelson-dev/keelson@sha256:${'a'.repeat(64)}`;

describe('writeReleasedFields', () => {
  it('replaces service.image and nothing else: comments, flow maps and quoting stay byte for byte', () => {
    const out = writeReleasedFields(production, { image });
    expect(out).toBe(production.replace(/image: \S+/, `image: ${image}`));
    expect(out).toContain('# Replaced by the pipeline');
    expect(parseDeploySpec(out, 'out').service.image).toBe(image);
  });

  it('moves the model pin too, keeping the version a string', () => {
    const out = writeReleasedFields(production, { image, model: { version: '3', uri: 'models/penguins/3', sha256: 'b'.repeat(64) } });
    const spec = parseDeploySpec(out, 'out');
    expect(spec.model).toEqual({ name: 'penguins', version: '3', uri: 'models/penguins/3', sha256: 'b'.repeat(64) });
    expect(out).toContain('  version: "3"\n  # Where the build step took the model from');
    expect(out.split('\n').length).toBe(production.split('\n').length);
  });

  it('quotes a numeric version written where the spec had a bare number', () => {
    const out = writeReleasedFields(production.replace('version: "2"', 'version: 2'), { image, model: { version: '10', uri: 'm/10', sha256: 'c'.repeat(64) } });
    expect(out).toContain('version: "10"');
  });

  it('adds service.image on a line of its own when the spec has none yet', () => {
    const local = 'environment: local\nservice:\n  # one replica\n  replicas: 1\nrollout: {}\n';
    expect(writeReleasedFields(local, { image })).toBe(`environment: local\nservice:\n  # one replica\n  image: ${image}\n  replicas: 1\nrollout: {}\n`);
  });

  it('refuses what it cannot edit in place, naming it', () => {
    expect(() => writeReleasedFields('service: [1, 2', { image })).toThrow(/not valid YAML/);
    expect(() => writeReleasedFields('service: { replicas: 1 }\n', { image })).toThrow(/no block mapping `service:`/);
    expect(() => writeReleasedFields('service:\n  image: x\n', { image, model: { version: '1', uri: 'u', sha256: 's' } })).toThrow(/no scalar model\.version/);
  });
});

describe('releaseSubject', () => {
  const digest = `sha256:abcd1234ef56${'0'.repeat(52)}`;
  it('says what moved: model versions, or only the code, or a first release', () => {
    expect(releaseSubject({ name: 'penguins', version: '3' }, '2', digest)).toBe('release: penguins 2 → 3 sha256:abcd1234ef56…');
    expect(releaseSubject({ name: 'penguins', version: '3' }, '3', digest)).toBe('release: penguins 3 (code only) sha256:abcd1234ef56…');
    expect(releaseSubject({ name: 'penguins', version: '3' }, undefined, digest)).toBe('release: penguins 3 (first release) sha256:abcd1234ef56…');
  });
});

describe('redactUrl', () => {
  it('hides user and token of every URL in a text, and leaves other URLs alone', () => {
    expect(redactUrl('https://x-access-token:ghs_SECRET@github.com/o/r.git')).toBe('https://***@github.com/o/r.git');
    expect(redactUrl('fatal: unable to access https://u:p@h/x/: 403; see https://h/doc')).toBe('fatal: unable to access https://***@h/x/: 403; see https://h/doc');
    expect(redactUrl('git@github.com:o/r.git')).toBe('git@github.com:o/r.git');
  });
});

describe('releaseGit on real repositories', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  const env = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
  const repo = () => {
    const dir = mkdtempSync(join(tmpdir(), 'keelson-release-git-'));
    dirs.push(dir);
    const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { env: { ...process.env, ...env } }).toString().trim();
    git('init', '--quiet', '--initial-branch', 'main');
    writeFileSync(join(dir, 'a.txt'), 'a\n');
    writeFileSync(join(dir, 'b.txt'), 'b\n');
    git('add', '.');
    git('commit', '--quiet', '-m', 'initial');
    return { dir, git };
  };
  const exec: typeof zxExec = (command, args, options) => zxExec(command, args, { ...options, env: { ...options?.env, ...env } });

  it('commits only the named paths, leaving other changes out of the release commit', async () => {
    const { dir, git } = repo();
    writeFileSync(join(dir, 'a.txt'), 'a2\n');
    writeFileSync(join(dir, 'b.txt'), 'b2\n');
    git('add', 'b.txt');
    const commit = await releaseGit(exec, dir).commit(['a.txt'], 'release: x\n\nSource-Commit: y\n');
    expect(git('show', '--name-only', '--format=%s', commit)).toBe('release: x\n\na.txt');
    expect(await releaseGit(exec, dir).changedFiles()).toEqual(['b.txt']);
  });

  it('pushes the branch to a real remote, and never prints the credentials of one that fails', async () => {
    const { dir, git } = repo();
    const remote = mkdtempSync(join(tmpdir(), 'keelson-release-remote-'));
    dirs.push(remote);
    execFileSync('git', ['init', '--quiet', '--bare', remote]);
    git('remote', 'add', 'origin', remote);
    expect(await releaseGit(exec, dir).push('main')).toBe(remote);
    expect(execFileSync('git', ['-C', remote, 'rev-parse', 'main']).toString().trim()).toBe(git('rev-parse', 'HEAD'));

    git('remote', 'set-url', 'origin', 'http://bot:s3cr3t-token@127.0.0.1:9/o/r.git');
    const failed = await releaseGit(exec, dir).push('main').catch((e: Error) => e);
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).message).toMatch(/^git push to origin \(http:\/\/\*\*\*@127\.0\.0\.1:9\/o\/r\.git\) failed/);
    expect(JSON.stringify(failed)).not.toContain('s3cr3t');
    expect((failed as Error).message).not.toContain('s3cr3t');
  });
});
