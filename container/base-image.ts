import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Exec } from '../steps/exec.js';
import type { Reporter } from '../steps/reporter.js';
import { runStep } from '../steps/step.js';
import type { ImageBuilder } from './builders/types.js';
import { defaultDebianMirror, findDebianMirror } from './debian-mirror.js';
import { onPath } from './detect.js';
import { check, ContainerError, ToolMissingError } from './errors.js';
import { copyCaBundle, copyNode, copyNpm, imageCaBundle, pruneRootfs, readAptSources, removeWorkDir } from './rootfs.js';

/** The two base images: `runtime` (node only) for the final stage, `build` (node + npm) for `npm ci`. */
export interface BaseImages {
  runtime: string;
  build: string;
}

/** The base image names for a Debian suite and the running Node.js major version. */
function baseImageRefs(suite = 'bookworm', nodeVersion = process.versions.node): BaseImages {
  const runtime = `localhost/keelson-base:${suite}-node${nodeVersion.split('.')[0]}`;
  return { runtime, build: `${runtime}-npm` };
}

export interface BaseImageOptions {
  builder: ImageBuilder;
  exec: Exec;
  reporter: Reporter;
  suite?: string;
  /** Debian mirror; default: the one apt is configured with, else deb.debian.org. */
  mirror?: string;
  /** Rebuild even if the images exist. */
  force?: boolean;
}

/**
 * Makes sure the base images exist, building them if not: a `debootstrap --variant=minbase` root
 * filesystem, pruned, with this machine's `node` and CA bundle (runtime), then npm on top (build).
 * npm stays out of the runtime image (~19 MB). Idempotent: existing images are kept; whatever a
 * crashed earlier attempt left in the work directory is cleaned up first.
 */
export async function ensureBaseImages(options: BaseImageOptions): Promise<BaseImages> {
  const { builder, exec, reporter } = options;
  const suite = options.suite ?? 'bookworm';
  const refs = baseImageRefs(suite);
  if (!options.force && (await builder.exists(refs.runtime)) && (await builder.exists(refs.build))) {
    reporter.emit({ kind: 'skip', step: `base images ${refs.runtime}, ${refs.build}`, reason: 'already present (--force rebuilds)' });
    return refs;
  }
  if (!onPath('debootstrap')) throw new ToolMissingError('debootstrap', 'install it: apt-get install debootstrap');
  if (process.getuid?.() !== 0) {
    throw new ContainerError('building the base image needs root (debootstrap creates device nodes and chroots)',
      'run `keelson image base` as root, or pass --base IMAGE (e.g. node:20-bookworm-slim) where a registry is reachable');
  }
  const mirror = options.mirror ?? findDebianMirror(readAptSources(), suite) ?? defaultDebianMirror;
  const work = join(tmpdir(), `keelson-base-${suite}`);
  const rootfs = join(work, 'rootfs');
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
    const { ca } = await runStep(reporter, 'prune docs and caches, add node and CA certificates', async () => {
      pruneRootfs(rootfs);
      const ca = copyCaBundle(rootfs);
      return { added: [await copyNode(exec, rootfs), ...(ca ? ['CA bundle'] : [])], ca };
    }, { summary: (r) => r.added.join(', ') });

    const importAs = async (ref: string, description: string) => {
      const tarball = join(work, 'rootfs.tar');
      const args = ['-C', rootfs, '--numeric-owner', '-cf', tarball, '.'];
      check('tar', 'tar', args, await exec('tar', args));
      await builder.importRootfs({
        tarball,
        ref,
        env: {
          PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
          // npm in the build stage must trust what this machine trusts (e.g. a TLS-intercepting proxy).
          ...(ca ? { NODE_EXTRA_CA_CERTS: imageCaBundle } : {}),
        },
        labels: { 'org.opencontainers.image.title': 'keelson-base', 'org.opencontainers.image.description': description },
        cmd: ['node'],
      });
    };
    const about = `Debian ${suite} (debootstrap minbase) with Node.js ${process.versions.node}`;
    await runStep(reporter, `import ${refs.runtime}`, () => importAs(refs.runtime, about));
    await runStep(reporter, `add npm, import ${refs.build}`, async () => {
      const version = copyNpm(rootfs);
      await importAs(refs.build, `${about} and npm ${version}`);
    });
  } finally {
    await removeWorkDir(exec, work);
  }
  return refs;
}
