import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Exec } from '../steps/exec.js';
import { findOnPath } from './detect.js';
import { ContainerError } from './errors.js';

/** Paths inside a debootstrap root filesystem that no container needs (docs, locales, apt's caches): ~120 MB. */
const prunedPaths = ['usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/locale', 'var/cache/apt', 'var/lib/apt/lists', 'var/log'];

/** Where the CA bundle goes, and what `NODE_EXTRA_CA_CERTS` points at in the image. */
export const imageCaBundle = '/etc/ssl/certs/ca-certificates.crt';

/** Empties the pruned paths (keeping the directories, which packages expect to exist). */
export function pruneRootfs(rootfs: string): void {
  for (const path of prunedPaths) {
    const dir = join(rootfs, path);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
  }
}

/**
 * Copies this machine's node binary into the root filesystem, stripped of its static symbol table
 * when `strip` is available (~13 MB; the dynamic symbols native addons link against stay).
 */
export async function copyNode(exec: Exec, rootfs: string): Promise<string> {
  const target = join(rootfs, 'usr/local/bin/node');
  copyFileSync(realpathSync(process.execPath), target);
  if (!findOnPath('strip')) return `node ${process.versions.node}`;
  const result = await exec('strip', ['--strip-unneeded', target]);
  return result.ok ? `node ${process.versions.node} (stripped)` : `node ${process.versions.node}`;
}

/** Copies the host's CA bundle (so the image trusts what this machine trusts, e.g. an intercepting proxy). */
export function copyCaBundle(rootfs: string, source = process.env.NODE_EXTRA_CA_CERTS ?? imageCaBundle): boolean {
  if (!existsSync(source)) return false;
  mkdirSync(join(rootfs, dirname(imageCaBundle)), { recursive: true });
  copyFileSync(source, join(rootfs, imageCaBundle));
  return true;
}

/** Copies the npm that runs next to this node into the root filesystem; returns its version. */
export function copyNpm(rootfs: string): string {
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
  return (JSON.parse(readFileSync(join(npmDir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The apt source files, for finding the mirror this machine already uses. */
export function readAptSources(): Array<{ path: string; content: string }> {
  const files = ['/etc/apt/sources.list'];
  const dir = '/etc/apt/sources.list.d';
  if (existsSync(dir)) files.push(...readdirSync(dir).sort().map((name) => join(dir, name)));
  return files.filter((path) => existsSync(path)).map((path) => ({ path, content: readFileSync(path, 'utf8') }));
}

/** Removes a work directory, first unmounting anything a crashed debootstrap left mounted inside it. */
export async function removeWorkDir(exec: Exec, work: string): Promise<void> {
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
