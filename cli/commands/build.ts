import type { Command } from 'commander';
import { fileURLToPath } from 'node:url';

interface BuildCliOptions {
  models?: string;
  tag?: string;
  name: string;
  base?: string;
  builder?: string;
  gpu: boolean;
}

/** `keelson build`: containerizes the service with the detected builder and records the digest. */
export function register(program: Command): void {
  program
    .command('build')
    .description(
      'build the service image from service/Dockerfile with the detected builder (docker buildx if a daemon ' +
        'answers, else podman, else buildah), tag it by git commit, record name@sha256:digest in .keelson/images.json ' +
        'and print it on stdout',
    )
    .option('--models <dir>', 'model repository to bake into /models (default: none; mount one at run time)')
    .option('--tag <tag>', 'image tag (default: the 12-character git commit, with -dirty for uncommitted changes)')
    .option('--name <repository>', 'image repository name', 'keelson-service')
    .option('--base <image>', 'base image (default: localhost/keelson-base:bookworm-node<major>, built first if missing)')
    .option('--builder <kind>', 'docker | podman | buildah (default: detected; env KEELSON_BUILDER)')
    .option('--gpu', 'install onnxruntime-node with the CUDA 12 provider (build arg GPU=true)', false)
    .action(async (options: BuildCliOptions) => {
      const { withBuilder } = await import('../../container/command-support.js');
      await withBuilder(options.builder, async (ctx, builder) => {
        const { buildImage } = await import('../../pipelines/build.js');
        const record = await buildImage(ctx, builder, {
          contextDir: fileURLToPath(new URL('../../', import.meta.url)),
          models: options.models,
          name: options.name,
          gpu: options.gpu,
          ...(options.tag !== undefined ? { tag: options.tag } : {}),
          ...(options.base !== undefined ? { base: options.base } : {}),
        });
        console.log(record.pinned);
      });
    });
}
