import { runStep } from '../steps/step.js';
import type { ImageBuilder } from '../container/builders/types.js';
import { onPath } from '../container/detect.js';
import { ContainerError, ToolMissingError } from '../container/errors.js';
import { keelsonPaths } from '../contract/keelson-paths.js';
import { appendImageRecord, latestRecord, pinnedRef, readImageRecords, repositoryOf, type ImageRecord } from '../container/records.js';
import { isLoopback, parseRegistry, registryDigest, registryRef } from '../container/registry.js';
import type { ContainerEnv } from '../container/select.js';

export interface PushOptions {
  /** `HOST:PORT[/PATH]` */
  registry: string;
  /** Local image to push; default: the last one `keelson build` recorded. */
  image?: string;
  /** Skip TLS verification for a non-loopback registry too. */
  insecure: boolean;
}

/**
 * Pushes an image to an OCI registry, asks the registry (skopeo) for the digest it now serves,
 * and records `HOST:PORT/REPOSITORY@sha256:...` in `.keelson/images.json`. Rerunning is safe:
 * a registry that already has the blobs skips them.
 */
export async function pushImage(ctx: ContainerEnv, builder: ImageBuilder, options: PushOptions): Promise<Extract<ImageRecord, { kind: 'pushed' }>> {
  const { reporter, exec } = ctx;
  const file = keelsonPaths().images;
  const source = options.image ?? latestRecord(readImageRecords(file), 'built')?.ref;
  if (!source) throw new ContainerError('there is no image to push: nothing was built yet', 'run `keelson build` first, or pass --image REF');
  if (!(await builder.exists(source))) {
    throw new ContainerError(`image ${source} is not in ${builder.kind}'s local storage`, 'run `keelson build` again, or pass --image REF');
  }
  if (!onPath('skopeo')) throw new ToolMissingError('skopeo', 'install it (apt-get install skopeo): keelson asks the registry for the pushed digest with it');

  const { host } = parseRegistry(options.registry);
  const tlsVerify = !(options.insecure || isLoopback(host));
  const tag = source.includes('@') ? 'latest' : source.slice(repositoryOf(source).length + 1) || 'latest';
  const destination = registryRef(options.registry, repositoryOf(source), tag);

  await runStep(reporter, `push ${source} to ${destination}${tlsVerify ? '' : ' (no TLS verification)'}`, (progress) =>
    builder.push({ source, destination, tlsVerify, onLine: (line) => /^(Copying|Writing|[0-9a-f]{12}: )/.test(line) && progress(line) }),
  );
  const digest = await runStep(reporter, `read the digest from the registry (skopeo inspect)`, () => registryDigest(exec, destination, tlsVerify), {
    summary: (d) => d,
  });
  const record: Extract<ImageRecord, { kind: 'pushed' }> = {
    kind: 'pushed',
    ref: destination,
    pinned: pinnedRef(destination, digest),
    digest,
    source,
    at: new Date().toISOString(),
  };
  appendImageRecord(file, record);
  return record;
}
