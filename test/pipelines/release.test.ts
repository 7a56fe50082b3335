/**
 * `keelson release` end to end, for real: a temporary git repository holding this repository's HEAD, the sample
 * models, Debian's `docker-registry` on a loopback port, the detected builder (podman/buildah, vfs) and podman for
 * the smoke test. The refusals run first (they never build); then one real release (about 5 minutes: the build
 * dominates), whose commit the later cases reuse: a second release is a no-op and `git revert` restores the spec.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { zxExec } from '../../steps/exec.js';
import { freePort } from '../../steps/ports.js';
import { startRegistry, type LocalRegistry } from '../container/registry-server.js';
import { requireTool } from '../helpers/tools.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const minutes = 60_000;

function toolsPresent(): boolean {
  const tools = ['git', 'podman', 'skopeo', 'docker-registry', 'debootstrap', 'runc'].map((t) => requireTool(t));
  if (!tools.every(Boolean)) return false;
  if (process.getuid?.() === 0) return true;
  const message = 'the release test needs root (rootful podman with vfs storage, debootstrap)';
  if (process.env.CI === 'true') throw new Error(`${message}; CI=true, so this is a failure`);
  console.warn(`\n⚠️  SKIPPING: ${message}\n`);
  return false;
}

const enabled = toolsPresent();

describe.runIf(enabled)('keelson release (real git, builder, registry, smoke)', () => {
  const work = mkdtempSync(join(tmpdir(), 'keelson-release-'));
  const repo = join(work, 'repo');
  const specFile = join(repo, 'deploy', 'production.yaml');
  const identity = { GIT_AUTHOR_NAME: 'Release Test', GIT_AUTHOR_EMAIL: 'release@example.test', GIT_COMMITTER_NAME: 'Release Test', GIT_COMMITTER_EMAIL: 'release@example.test' };
  const env: NodeJS.ProcessEnv = { ...process.env, ...identity, KEELSON_HOME: join(work, 'home'), KEELSON_PROGRESS: 'plain', KEELSON_REGISTRY: '' };
  let registry: LocalRegistry;
  let original = '';

  const git = async (...args: string[]) => {
    const result = await zxExec('git', ['-C', repo, ...args], { env: identity });
    if (!result.ok) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
    return result.stdout.trim();
  };
  const keelson = (args: string[], timeoutMs = 2 * minutes) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile('node', ['bin/keelson.mjs', 'release', '--env', 'production', '--repo', repo, ...args], { cwd: root, env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }));
    });
  const release = (...extra: string[]) => keelson(['--registry', registry.address, '--name', 'keelson-release-test', '--skip-tests', '--ready-timeout', '300', ...extra], 20 * minutes);
  /** Commits a change to the spec, runs `check`, then drops the commit again. */
  const withSpec = async (edit: (text: string) => string, check: () => Promise<void>) => {
    writeFileSync(specFile, edit(original));
    await git('commit', '--quiet', '-am', 'test: edit the spec');
    try {
      await check();
    } finally {
      await git('reset', '--quiet', '--hard', 'HEAD~1');
    }
  };

  beforeAll(async () => {
    mkdirSync(repo, { recursive: true });
    // HEAD, not the working tree: what a release builds is a commit.
    const exported = await zxExec('sh', ['-c', `git -C '${root}' archive HEAD | tar -x -C '${repo}'`]);
    expect(exported.ok, exported.stderr).toBe(true);
    for (const version of ['2', '3', '6']) cpSync(join(inject('modelsDir'), 'penguins', version), join(repo, 'models', 'penguins', version), { recursive: true });
    await git('init', '--quiet', '--initial-branch', 'main');
    await git('add', '.');
    await git('commit', '--quiet', '-m', 'initial');
    original = readFileSync(specFile, 'utf8');
    registry = await startRegistry(join(work, 'registry'));
  }, 3 * minutes);

  afterAll(async () => {
    await registry?.stop();
    const records = join(work, 'home', 'images.json');
    const images = (existsSync(records) ? JSON.parse(readFileSync(records, 'utf8')) : { images: [] }) as { images: { kind: string; ref: string }[] };
    for (const image of images.images.filter((i) => i.kind === 'built')) await zxExec('podman', ['--storage-driver', 'vfs', 'rmi', '--force', image.ref]);
    rmSync(work, { recursive: true, force: true });
  }, 3 * minutes);

  it('refuses a dirty work tree, listing the files', async () => {
    writeFileSync(join(repo, 'notes.txt'), 'not committed');
    try {
      const result = await release();
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/keelson: the work tree has uncommitted changes[^\n]*\n\s+notes\.txt/);
      expect(result.stderr).toMatch(/→ commit or stash them/);
    } finally {
      rmSync(join(repo, 'notes.txt'));
    }
  });

  it('refuses a branch other than main unless --allow-branch names it', async () => {
    await git('checkout', '--quiet', '-b', 'feature');
    try {
      const result = await release();
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/releases are made from main, and HEAD is on branch feature\n\s+→ .*--allow-branch feature/);
      const allowed = await keelson(['--allow-branch', 'feature']);
      expect(allowed.stderr, 'with --allow-branch the branch check passes').toMatch(/✔ check the work tree and branch: clean, on feature/);
    } finally {
      await git('checkout', '--quiet', 'main');
    }
  });

  it('refuses a missing registry before building anything', async () => {
    const none = await keelson([]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/no registry to push the image to: --registry is missing and KEELSON_REGISTRY is not set\n\s+→ pass --registry HOST/);
    const closed = `127.0.0.1:${await freePort()}`;
    const down = await keelson(['--registry', closed]);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`keelson: --registry ${closed} does not answer (http://${closed}/v2/: ECONNREFUSED)`);
    expect(down.stderr).toMatch(/\n\s+→ start the registry or fix --registry; nothing was built yet/);
    expect(down.stderr).not.toMatch(/build localhost/);
  });

  it('refuses a spec that pins the image by tag, or whose model sha256 does not match the files', async () => {
    await withSpec((t) => t.replace(/image: \S+/, 'image: ghcr.io/keelson-dev/keelson:latest'), async () => {
      const result = await release();
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/service\.image = "ghcr\.io\/keelson-dev\/keelson:latest": expected an image pinned by digest/);
      expect(result.stderr).toMatch(/→ service\.image must be pinned by digest, not a tag/);
    });
    await withSpec((t) => t.replace(/sha256: e6c5\w+/, `sha256: ${'f'.repeat(64)}`), async () => {
      const result = await release();
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/model\.sha256 = "f{64}" in the deploy spec does not match models\/penguins\/2\/model\.onnx \(e6c5/);
    });
    const corrupt = await release('--model-version', '6');
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toMatch(/models\/penguins\/6\/model\.json says sha256 \w{64}, but model\.onnx has \w{64}/);
  });

  it('releases: builds, pushes, smoke-tests, and commits the pushed digest into the spec as its own commit, comments kept', async () => {
    const before = await git('rev-parse', 'HEAD');
    const result = await release('--model-version', '3', '--rendered');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/✔ infer penguins:3/);
    const image = /^released (\S+)$/m.exec(result.stdout)?.[1] ?? '';
    expect(image).toMatch(new RegExp(`^${registry.address.replace(/\./g, '\\.')}/keelson-release-test@sha256:[0-9a-f]{64}$`));
    const digest = image.split('@')[1]!;

    // The registry serves that digest.
    const manifest = await fetch(`http://${registry.address}/v2/keelson-release-test/manifests/${digest}`, {
      method: 'HEAD', headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' },
    });
    expect(manifest.status).toBe(200);

    // One new commit, touching only the spec, named for the model change and the digest.
    expect(await git('rev-parse', 'HEAD~1')).toBe(before);
    // --rendered: the objects `keelson render` makes of the new spec, in the same commit, for Argo CD to sync.
    const files = (await git('show', '--name-only', '--format=', 'HEAD')).split('\n');
    expect(files.filter((f) => !f.startsWith('deploy/rendered/production/'))).toEqual(['deploy/production.yaml']);
    expect(files).toContain('deploy/rendered/production/rollout-keelson.yaml');
    expect(readFileSync(join(repo, 'deploy/rendered/production/rollout-keelson.yaml'), 'utf8')).toContain(`image: ${image}`);
    const subject = await git('log', '-1', '--format=%s');
    expect(subject).toBe(`release: penguins 2 → 3 ${digest.slice(0, 19)}…`);
    expect(await git('log', '-1', '--format=%b')).toContain(`Source-Commit: ${before}`);
    expect(result.stdout).toContain(`commit ${await git('rev-parse', 'HEAD')} ${subject}`);

    // The new text is the old one with four values replaced: every comment and every other line kept.
    const released = readFileSync(specFile, 'utf8');
    const expected = original
      .replace(/image: \S+/, `image: ${image}`)
      .replace('version: "2"', 'version: "3"')
      .replace('uri: models/penguins/2', 'uri: models/penguins/3')
      .replace(/sha256: e6c5\w+/, `sha256: ${JSON.parse(readFileSync(join(repo, 'models/penguins/3/model.json'), 'utf8')).sha256}`);
    expect(released).toBe(expected);
    expect(await git('status', '--porcelain')).toBe('');
  }, 25 * minutes);

  it('a second release at the same source is a no-op: no build, no commit, and it says so', async () => {
    const head = await git('rev-parse', 'HEAD');
    const started = Date.now();
    const result = await release('--model-version', '3');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^no release commit: already released: \S+@sha256:\w{64} was built from \w{12} \(release commit \w{12}\), and nothing outside deploy\/ changed since/m);
    expect(result.stderr).not.toMatch(/build localhost/);
    expect(await git('rev-parse', 'HEAD')).toBe(head);
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it('git revert of the release commit restores the previous digest and model, byte for byte', async () => {
    expect(await git('log', '-1', '--format=%s')).toMatch(/^release: /);
    await git('revert', '--no-edit', 'HEAD');
    expect(readFileSync(specFile, 'utf8')).toBe(original);
    expect(existsSync(join(repo, 'deploy/rendered/production'))).toBe(false);
  });
});
