import { describe, expect, it } from 'vitest';
import { buildahBuilder, parseBuildahInspect } from '../../container/builders/buildah.js';
import { dockerBuilder } from '../../container/builders/docker.js';
import { parsePodmanInspect, podmanBuilder } from '../../container/builders/podman.js';
import { engineSettings, type EngineSettings } from '../../container/engine.js';
import { CommandFailedError } from '../../container/errors.js';
import type { Exec, ExecResult } from '../../steps/exec.js';

/** Records every command and answers with `reply` (success with empty output by default). */
function fakeExec(reply: (command: string, args: readonly string[]) => Partial<ExecResult> = () => ({})) {
  const calls: Array<{ command: string; args: readonly string[]; env: Record<string, string> | undefined }> = [];
  const exec: Exec = async (command, args, options) => {
    calls.push({ command, args, env: options?.env });
    return { ok: true, code: 0, stdout: '', stderr: '', ...reply(command, args) };
  };
  return { exec, calls };
}

const settings: EngineSettings = { storageDriver: 'vfs', ociRuntime: '/usr/sbin/runc', containersConf: '/k/containers.conf', layers: false };
const build = { contextDir: '/repo', dockerfile: '/repo/service/Dockerfile', tags: ['localhost/k:t'], buildArgs: { GPU: 'false', BASE_IMAGE: 'b' } };

describe('engine settings', () => {
  it('default to vfs without layer cache, the runc on PATH and keelson\'s containers.conf; the environment overrides', () => {
    const found = { runc: '/usr/sbin/runc', defaultConf: '/k/containers.conf' };
    expect(engineSettings({}, found)).toEqual(settings);
    expect(engineSettings({ KEELSON_STORAGE_DRIVER: '', KEELSON_OCI_RUNTIME: 'crun', CONTAINERS_CONF: '/mine' }, found)).toEqual({
      storageDriver: undefined,
      ociRuntime: 'crun',
      containersConf: '/mine',
      layers: true,
    });
    expect(engineSettings({ KEELSON_BUILD_LAYERS: 'true' }, found).layers).toBe(true);
  });
});

describe('podman adapter', () => {
  it('builds with vfs, chroot isolation, host network and docker format (HEALTHCHECK survives)', async () => {
    const { exec, calls } = fakeExec();
    await podmanBuilder(exec, settings).build(build);
    expect(calls[0]!.command).toBe('podman');
    expect(calls[0]!.args).toEqual([
      '--storage-driver', 'vfs', 'build', '--isolation', 'chroot', '--network', 'host', '--format', 'docker',
      '--pull=missing', '--layers=false', '-f', '/repo/service/Dockerfile', '-t', 'localhost/k:t',
      '--build-arg', 'BASE_IMAGE=b', '--build-arg', 'GPU=false', '/repo',
    ]);
    expect(calls[0]!.env).toEqual({ CONTAINERS_CONF: '/k/containers.conf' });
  });

  it('runs read-only with runc, host networking, labels, mounts, and no systemd healthcheck timer', async () => {
    const { exec, calls } = fakeExec();
    await podmanBuilder(exec, settings).run({
      name: 'n', image: 'i', args: ['--port', '1'], env: { KEELSON_PORT: '1' }, labels: { owner: '7' }, mounts: [{ source: '/m', target: '/models' }],
    });
    expect(calls[0]!.args).toEqual([
      '--storage-driver', 'vfs', 'run', '--detach', '--name', 'n', '--runtime', '/usr/sbin/runc', '--network', 'host', '--read-only',
      '--label', 'owner=7', '--volume', '/m:/models:ro', '--env', 'KEELSON_PORT=1', '--no-healthcheck', 'i', '--port', '1',
    ]);
  });

  it('pushes with --tls-verify as asked', async () => {
    const { exec, calls } = fakeExec();
    await podmanBuilder(exec, settings).push({ source: 'localhost/k:t', destination: '127.0.0.1:5000/k:t', tlsVerify: false });
    expect(calls[0]!.args).toEqual(['--storage-driver', 'vfs', 'push', '--tls-verify=false', 'localhost/k:t', 'docker://127.0.0.1:5000/k:t']);
  });

  it('turns a failed command into an error quoting the command and the end of its output', async () => {
    const { exec } = fakeExec(() => ({ ok: false, code: 125, stderr: 'Error: creating build container: boom' }));
    const error = await podmanBuilder(exec, settings).build(build).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommandFailedError);
    expect((error as Error).message).toMatch(/^podman build failed \(exit code 125\): podman --storage-driver vfs build/);
    expect((error as Error).message).toContain('Error: creating build container: boom');
  });

  it('reads digest, size and HEALTHCHECK from image inspect', () => {
    const json = JSON.stringify([{ Id: 'abc', Digest: 'sha256:def', Size: 123, Healthcheck: { Test: ['CMD', 'node'] } }]);
    expect(parsePodmanInspect(json)).toEqual({ id: 'abc', digest: 'sha256:def', sizeBytes: 123, healthcheck: ['CMD', 'node'] });
  });
});

describe('buildah adapter', () => {
  it('imports a root filesystem through from scratch / add / config / commit, and removes the working container', async () => {
    const { exec, calls } = fakeExec((_c, args) => (args.includes('from') ? { stdout: 'working-container\n' } : {}));
    await buildahBuilder(exec, settings).importRootfs({ tarball: '/t.tar', ref: 'localhost/b:1', env: { PATH: '/bin' }, labels: { a: 'b' }, cmd: ['node'] });
    expect(calls.map((c) => c.args.slice(2).join(' '))).toEqual([
      'from scratch',
      'add working-container /t.tar /',
      'config --env PATH=/bin --label a=b --cmd ["node"] working-container',
      'commit --format docker working-container localhost/b:1',
      'rm working-container',
    ]);
  });

  it('sums the manifest layers for the size and reads the docker-format HEALTHCHECK', () => {
    const json = JSON.stringify({
      FromImageID: 'abc',
      FromImageDigest: 'sha256:def',
      Manifest: JSON.stringify({ layers: [{ size: 100 }, { size: 23 }] }),
      Docker: { config: { Healthcheck: { Test: ['CMD', 'node'] } } },
    });
    expect(parseBuildahInspect(json)).toEqual({ id: 'abc', digest: 'sha256:def', sizeBytes: 123, healthcheck: ['CMD', 'node'] });
  });
});

describe('docker adapter', () => {
  it('builds with buildx --load so the image lands in the daemon', async () => {
    const { exec, calls } = fakeExec();
    await dockerBuilder(exec).build(build);
    expect(calls[0]!.args.slice(0, 4)).toEqual(['buildx', 'build', '--load', '--progress']);
  });

  it('treats removing a container that is already gone as success', async () => {
    const { exec } = fakeExec(() => ({ ok: false, code: 1, stderr: 'Error response from daemon: No such container: x' }));
    await expect(dockerBuilder(exec).remove('x')).resolves.toBeUndefined();
  });
});
