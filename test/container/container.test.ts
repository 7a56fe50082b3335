/**
 * The container path end to end, with the real tools: `keelson build` with the detected builder
 * (building the debootstrap base image first if it is missing), `keelson push` to a Debian
 * `docker-registry` on a loopback port, the digest checked with skopeo and over HTTP, and
 * `keelson smoke` running the image read-only and sending a real inference. Slow (minutes: vfs
 * copies every layer), so everything lives in this one file with long timeouts.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { imageTag, readGitState } from '../../container/tag.js';
import { zxExec } from '../../steps/exec.js';
import { requireTool } from '../helpers/tools.js';
import { startRegistry, type LocalRegistry } from './registry-server.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const minutes = 60_000;

/** Tools the path needs; each missing one skips loudly (or fails under CI=true). */
function toolsPresent(): boolean {
  const tools = ['podman', 'skopeo', 'docker-registry', 'debootstrap', 'runc'].map((t) => requireTool(t));
  if (!tools.every(Boolean)) return false;
  if (process.getuid?.() === 0) return true;
  const message = 'the container tests need root (rootful podman with vfs storage, debootstrap)';
  if (process.env.CI === 'true') throw new Error(`${message}; CI=true, so this is a failure`);
  console.warn(`\n⚠️  SKIPPING: ${message}\n`);
  return false;
}

const enabled = toolsPresent();

describe.runIf(enabled)('container path: build, push, smoke (real podman, registry, skopeo)', () => {
  const work = mkdtempSync(join(tmpdir(), 'keelson-container-'));
  const env = { ...process.env, KEELSON_HOME: join(work, 'home'), KEELSON_PROGRESS: 'plain' };
  const models = join(work, 'models');
  let registry: LocalRegistry;

  /** Runs the real CLI; resolves with its exit code and output (never rejects). */
  const keelson = (args: string[], timeoutMs: number) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile('node', ['bin/keelson.mjs', ...args], { cwd: root, env, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
    });
  const podman = (...args: string[]) => zxExec('podman', ['--storage-driver', 'vfs', ...args]);

  let built = { ref: '', pinned: '' };
  let pushed = '';

  beforeAll(async () => {
    // Only penguins version 1: a model that answers correctly, and a smaller image.
    cpSync(join(inject('modelsDir'), 'penguins', '1'), join(models, 'penguins', '1'), { recursive: true });
    registry = await startRegistry(join(work, 'registry'));
  }, 2 * minutes);

  afterAll(async () => {
    await registry?.stop();
    if (built.ref) await podman('rmi', '--force', built.ref);
    rmSync(work, { recursive: true, force: true });
  }, 2 * minutes);

  it('builds the image with the detected builder, tagged by git commit, and prints name@sha256', async () => {
    const result = await keelson(['build', '--models', models, '--name', 'keelson-service-test'], 40 * minutes);
    expect(result.stderr).toMatch(/builder: podman/);
    expect(result.code, result.stderr).toBe(0);
    const pinned = result.stdout.trim();
    expect(pinned).toMatch(/^localhost\/keelson-service-test@sha256:[0-9a-f]{64}$/);

    const tag = imageTag(await readGitState(zxExec, root));
    const records = JSON.parse(readFileSync(join(env.KEELSON_HOME, 'images.json'), 'utf8')).images;
    expect(records.at(-1)).toMatchObject({ kind: 'built', ref: `localhost/keelson-service-test:${tag}`, pinned, builder: 'podman' });
    built = { ref: records.at(-1).ref, pinned };

    const inspect = await podman('image', 'inspect', built.ref);
    const [image] = JSON.parse(inspect.stdout);
    expect(image.Config.User).toBe('10001:10001');
    expect(image.Healthcheck?.Test ?? image.Config.Healthcheck?.Test).toContain('node');
    console.info(`container image size: ${(image.Size / 1e6).toFixed(0)} MB (${built.pinned})`);
    // The target for the CPU image (decimal MB, as `podman images` shows it).
    expect(image.Size, 'image size over the 300 MB target: see the build warning').toBeLessThanOrEqual(300_000_000);
  }, 45 * minutes);

  it('pushes to a loopback registry and records the digest the registry serves', async () => {
    expect(built.ref, 'the build test must pass first').not.toBe('');
    const result = await keelson(['push', '--registry', registry.address], 10 * minutes);
    expect(result.code, result.stderr).toBe(0);
    pushed = result.stdout.trim();
    expect(pushed).toMatch(new RegExp(`^${registry.address.replace(/\./g, '\\.')}/keelson-service-test@sha256:[0-9a-f]{64}$`));
    const digest = pushed.split('@')[1]!;

    const tag = built.ref.split(':').at(-1)!;
    const skopeo = await zxExec('skopeo', ['inspect', '--tls-verify=false', '--format', '{{.Digest}}', `docker://${registry.address}/keelson-service-test:${tag}`]);
    expect(skopeo.stdout.trim()).toBe(digest);
    const manifest = await fetch(`http://${registry.address}/v2/keelson-service-test/manifests/${digest}`, {
      headers: { accept: 'application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json' },
    });
    expect(manifest.status).toBe(200);

    const again = await keelson(['push', '--registry', registry.address], 10 * minutes);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout.trim()).toBe(pushed);
  }, 25 * minutes);

  it('smoke-tests the image: ready, HEALTHCHECK, a correct inference, container removed, crashed leftovers cleaned', async () => {
    expect(built.ref, 'the build test must pass first').not.toBe('');
    // A container left behind by a smoke run whose process died (pid 4194303 is never alive).
    const leftover = 'keelson-smoke-4194303-1';
    await podman('rm', '--force', '--ignore', leftover);
    const created = await podman('create', '--name', leftover, '--label', 'io.keelson.smoke-owner=4194303', built.ref);
    expect(created.ok, created.stderr).toBe(true);

    const result = await keelson(['smoke', '--ready-timeout', '300'], 15 * minutes);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/remove containers left by crashed smoke runs: 1 removed/);
    expect(result.stderr).toMatch(/✔ run the image HEALTHCHECK inside the container/);
    expect(result.stdout).toMatch(/^smoke ok: localhost\/keelson-service-test:\S+ ready after [\d.]+s, penguins version 1 answered/);

    const left = await podman('ps', '--all', '--filter', 'label=io.keelson.smoke-owner', '--format', '{{.Names}}');
    expect(left.stdout.trim()).toBe('');
  }, 20 * minutes);

  it('fails with the container log and a hint when the service cannot become ready', async () => {
    expect(built.ref, 'the build test must pass first').not.toBe('');
    const empty = join(work, 'no-models');
    cpSync(models, empty, { recursive: true, filter: (src) => !src.endsWith('.onnx') });
    const result = await keelson(['smoke', '--models', empty, '--ready-timeout', '90'], 10 * minutes);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/keelson: (container keelson-smoke-\S+ exited before it was ready|.*was not ready after 90s)/);
    expect(result.stderr).toMatch(/→ /);
    const left = await podman('ps', '--all', '--filter', 'label=io.keelson.smoke-owner', '--format', '{{.Names}}');
    expect(left.stdout.trim()).toBe('');
  }, 15 * minutes);
});
