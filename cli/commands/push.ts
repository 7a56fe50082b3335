import type { Command } from 'commander';

interface PushCliOptions {
  registry: string;
  image?: string;
  builder?: string;
  insecure: boolean;
}

/** `keelson push`: pushes the last built image to an OCI registry and records its digest. */
export function register(program: Command): void {
  program
    .command('push')
    .description(
      'push the last image `keelson build` made (or --image) to an OCI registry, read its digest back with ' +
        'skopeo, record name@sha256:digest in .keelson/images.json and print it on stdout',
    )
    .requiredOption('--registry <host:port>', 'registry to push to, e.g. 127.0.0.1:5000 (loopback registries: no TLS verification)')
    .option('--image <ref>', 'local image to push (default: the last one built)')
    .option('--builder <kind>', 'docker | podman | buildah (default: detected; env KEELSON_BUILDER)')
    .option('--insecure', 'skip TLS verification for a non-loopback registry', false)
    .action(async (options: PushCliOptions) => {
      const { withBuilder } = await import('../../container/command-support.js');
      await withBuilder(options.builder, async (ctx, builder) => {
        const { pushImage } = await import('../../pipelines/push.js');
        const record = await pushImage(ctx, builder, {
          registry: options.registry,
          insecure: options.insecure,
          ...(options.image !== undefined ? { image: options.image } : {}),
        });
        console.log(record.pinned);
      });
    });
}
