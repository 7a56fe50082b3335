import type { Command } from 'commander';

/** `keelson image base`: builds the offline base image (debootstrap + local node) unless it exists. */
export function register(program: Command): void {
  const image = program.command('image').description('manage the container images keelson builds on');
  image
    .command('base')
    .description(
      'build the base images offline: Debian bookworm minbase (debootstrap) + this machine\'s node as ' +
        'localhost/keelson-base:bookworm-node<major>, and the same + npm as ...-npm for the build stage; ' +
        'skipped if they exist. Needs root and debootstrap; prints both names',
    )
    .option('--suite <name>', 'Debian suite to debootstrap', 'bookworm')
    .option('--mirror <url>', 'Debian mirror (default: the one in /etc/apt/sources.list*, else deb.debian.org)')
    .option('--builder <kind>', 'docker | podman | buildah (default: detected; env KEELSON_BUILDER)')
    .option('--force', 'rebuild even if the image exists', false)
    .action(async (options: { suite: string; mirror?: string; builder?: string; force: boolean }) => {
      const { withContainerEnv } = await import('../../container/command-support.js');
      await withContainerEnv(async (ctx) => {
        const { openBuilder } = await import('../../container/select.js');
        const { ensureBaseImages } = await import('../../container/base-image.js');
        const builder = await openBuilder(ctx, options.builder);
        const refs = await ensureBaseImages({
          builder,
          exec: ctx.exec,
          reporter: ctx.reporter,
          suite: options.suite,
          force: options.force,
          ...(options.mirror ? { mirror: options.mirror } : {}),
        });
        console.log(`${refs.runtime}\n${refs.build}`);
      });
    });
}
