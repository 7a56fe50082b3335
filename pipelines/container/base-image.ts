import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Reporter } from '../steps/reporter.js';
import { runStep } from '../steps/step.js';
import type { ImageBuilder } from './builders/types.js';
import { defaultDebianMirror, findDebianMirror } from './debian-mirror.js';
import { findOnPath, onPath } from './detect.js';
import { check, ContainerError, ToolMissingError } from './errors.js';
import type { Exec } from '../steps/exec.js';

/** The base image name for a Debian suite and the running Node.js major version. */
export function baseImageRef(suite = 'bookworm', nodeVersion = process.versions.node): string {
  return `localhost/keelson-base:${suite}-node${nodeVersion.split('.')[0]}`;
}

/** Paths inside the root filesystem that no container needs (docs, locales, apt's caches): ~120 MB. */
export const prunedPaths = ['usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/locale', 'var/cache/apt', 'var/lib/apt/lists', 'var/log'];

export interface BaseImageOptions {
  builder: ImageBuilder;
  exec: Exec;
  reporter: Reporter;
  suite?: string;
  /** Debian mirror; default: the one apt is configured with, else deb.debian.org. */
  mirror?: string;
  /** Rebuild even if the image exists. */
  force?: boolean;
}

/**
 * Makes sure the base image exists, building it if not: a `debootstrap --variant=minbase` root
 * filesystem, pruned, with this machine's `node`, `npm` and CA bundle copied in, imported as an
 * image. Idempotent: an existing image is kept; a half-finished earlier attempt is cleaned up first.
 */
export async function ensureBaseImage(options: BaseImageOptions): Promise<string> {
  const { builder, exec, reporter } = options;
  const suite = options.suite ?? 'bookworm';
  const ref = baseImageRef(suite);
  if (!options.force && (await builder.exists(ref))) {
    reporter.emit({ kind: 'skip', step: `base image ${ref}`, reason: 'already present (use --force to rebuild)' });
    return ref;
  }
  if (!onPath('debootstrap')) throw new ToolMissingError('debootstrap', 'install it: apt-get install debootstrap');
  if (process.getuid?.() !== 0) {
    throw new ContainerError('building the base image needs root (debootstrap creates device nodes and chroots)',
      'run `keelson image base` as root, or pass --base IMAGE to use an image you can pull');
  }
  const mirror = options.mirror ?? findDebianMirror(readAptSources(), suite) ?? defaultDebianMirror;
  const work = join(tmpdir(), `keelson-base-${suite}`);
  const rootfs = join(work, 'rootfs');
  const tarball = join(work, 'rootfs.tar');
  await removeWorkDir(exec, work);
  mkdirSync(work, { recursive: true });
  try {
    await runStep(reporter, `debootstrap ${suite} from ${mirror}`, async (progress) => {
      const args = ['--variant=minbase', suite, rootfs, mirror];
      // One progress line per phase (Retrieving, Validating, Extracting, Configuring...), not per package.
      let phase = '';
      const onLine = (line: string) => {
        const word = /^I: (\w+)/.exec(line)?.[1];
        if (word && word !== phase) progress(line.slice(3));
        phase = word ?? phase;
      };
      check('debootstrap', 'debootstrap', args, await exec('debootstrap', args, { onLine }),
        `check that ${mirror} is reachable (apt-get update uses the same mirror), or pass --mirror URL`);
    });
    const added = await runStep(reporter, 'add node, npm and CA certificates', async () => {
      for (const path of prunedPaths) emptyDir(join(rootfs, path));
      return copyNodeInto(rootfs);
    }, { summary: (list) => list.join(', ') });
    await runStep(reporter, `import as ${ref}`, async () => {
      const args = ['-C', rootfs, '--numeric-owner', '-cf', tarball, '.'];
      check('tar', 'tar', args, await exec('tar', args));
      await builder.importRootfs({
        tarball,
        ref,
        env: {
          PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
          // npm in the build stage must trust what this machine trusts (e.g. a TLS-intercepting proxy).
          ...(added.includes(caBundleLabel) ? { NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt' } : {}),
        },
        labels: {
          'org.opencontainers.image.title': 'keelson-base',
          'org.opencontainers.image.description': `Debian ${suite} (debootstrap minbase) with Node.js ${process.versions.node}`,
        },
        cmd: ['node'],
      });
    });
  } finally {
    await removeWorkDir(exec, work);
  }
  return ref;
}

const caBundleLabel = 'CA bundle';

/** Copies this machine's node binary, npm and CA bundle into the root filesystem; returns what was added. */
function copyNodeInto(rootfs: string): string[] {
  const node = realpathSync(process.execPath);
  copyFileSync(node, join(rootfs, 'usr/local/bin/node'));
  const npmCli = findOnPath('npm');
  const npmDir = npmCli ? dirname(dirname(realpathSync(npmCli))) : undefined;
  if (!npmDir || !existsSync(join(npmDir, 'package.json'))) {
    throw new ContainerError('npm was not found next to node', 'install npm; the image build stage runs `npm ci`');
  }
  const target = join(rootfs, 'usr/local/lib/node_modules/npm');
  mkdirSync(dirname(target), { recursive: true });
  cpSync(npmDir, target, { recursive: true });
  symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(rootfs, 'usr/local/bin/npm'));
  symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', join(rootfs, 'usr/local/bin/npx'));
  const added = [`node ${process.versions.node}`, `npm ${(JSON.parse(readFileSync(join(npmDir, 'package.json'), 'utf8')) as { version: string }).version}`];
  const ca = process.env.NODE_EXTRA_CA_CERTS ?? '/etc/ssl/certs/ca-certificates.crt';
  if (existsSync(ca)) {
    mkdirSync(join(rootfs, 'etc/ssl/certs'), { recursive: true });
    copyFileSync(ca, join(rootfs, 'etc/ssl/certs/ca-certificates.crt'));
    added.push(caBundleLabel);
  }
  return added;
}

function readAptSources(): Array<{ path: string; content: string }> {
  const files = ['/etc/apt/sources.list'];
  const dir = '/etc/apt/sources.list.d';
  if (existsSync(dir)) files.push(...readdirSync(dir).sort().map((name) => join(dir, name)));
  return files.filter((path) => existsSync(path)).map((path) => ({ path, content: readFileSync(path, 'utf8') }));
}

function emptyDir(path: string): void {
  if (!existsSync(path)) return;
  for (const entry of readdirSync(path)) rmSync(join(path, entry), { recursive: true, force: true });
}

/** Removes a work directory, first unmounting anything a crashed debootstrap left mounted inside it. */
async function removeWorkDir(exec: Exec, work: string): Promise<void> {
  if (!existsSync(work)) return;
  const mounts = readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '')
    .filter((point) => point.startsWith(`${work}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) {
    const result = await exec('umount', ['--lazy', point]);
    if (!result.ok) throw new ContainerError(`cannot unmount ${point} left by an earlier debootstrap`, `unmount it by hand, then remove ${work}`);
  }
  rmSync(work, { recursive: true, force: true });
}
