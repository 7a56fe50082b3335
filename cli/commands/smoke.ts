import type { Command } from 'commander';

interface SmokeCliOptions {
  image?: string;
  models?: string;
  model: string;
  builder?: string;
  readyTimeout: string;
}

/** `keelson smoke`: runs the image, waits for ready, sends a real inference, checks it, removes the container. */
export function register(program: Command): void {
  program
    .command('smoke')
    .description(
      'run the image read-only on a free loopback port, wait for /v2/health/ready, run its HEALTHCHECK, ' +
        'send a real OIP inference (three penguins) and check the answer, then stop and remove the container',
    )
    .option('--image <ref>', 'image to test (default: the last one `keelson build` made)')
    .option('--models <dir>', 'mount this model repository at /models instead of the baked-in models')
    .option('--model <name[:version]>', 'model to query', 'penguins')
    .option('--builder <kind>', 'docker | podman | buildah (default: detected; env KEELSON_BUILDER)')
    .option('--ready-timeout <seconds>', 'how long to wait for readiness', '180')
    .action(async (options: SmokeCliOptions) => {
      const { withContainerEnv } = await import('../../container/command-support.js');
      await withContainerEnv(async (ctx) => {
        const { resolve } = await import('node:path');
        const { InvalidOptionError, ContainerError } = await import('../../container/errors.js');
        const { keelsonPaths } = await import('../../contract/keelson-paths.js');
        const { latestRecord, readImageRecords } = await import('../../container/records.js');
        const { openBuilder, runtimeFor } = await import('../../container/select.js');
        const { smokeTest } = await import('../../pipelines/smoke.js');
        const seconds = Number(options.readyTimeout);
        if (!Number.isFinite(seconds) || seconds <= 0) throw new InvalidOptionError('--ready-timeout', options.readyTimeout, 'a positive number of seconds');
        const image = options.image ?? latestRecord(readImageRecords(keelsonPaths().images), 'built')?.ref;
        if (!image) throw new ContainerError('there is no image to test: nothing was built yet', 'run `keelson build` first, or pass --image REF');
        const builder = await openBuilder(ctx, options.builder);
        const runtime = runtimeFor(builder.kind, ctx);
        const result = await smokeTest({
          image,
          runtime,
          reporter: ctx.reporter,
          model: options.model,
          readyTimeoutMs: seconds * 1000,
          ...(options.models ? { models: resolve(options.models) } : {}),
        });
        console.log(`smoke ok: ${image} ready after ${(result.readyAfterMs / 1000).toFixed(1)}s` +
          (result.modelVersion ? `, ${options.model.split(':')[0]} version ${result.modelVersion} answered` : ''));
      });
    });
}
