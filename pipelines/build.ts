import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runStep } from '../steps/step.js';
import { ensureBaseImages } from '../container/base-image.js';
import type { ImageBuilder } from '../container/builders/types.js';
import { ContainerError, InvalidOptionError } from '../container/errors.js';
import { keelsonPaths, STAGED_MODELS_DIR } from '../contract/keelson-paths.js';
import { appendImageRecord, pinnedRef, type ImageRecord } from '../container/records.js';
import type { ContainerEnv } from '../container/select.js';
import { imageTag, readGitState, validateRepository, validateTag } from '../container/tag.js';

/** Above this the CPU image is too big: the target (decimal MB, as `podman images` shows), checked after every build. */
const imageSizeTargetBytes = 300_000_000;

export interface BuildImageOptions {
  /** Repository root: the build context. */
  contextDir: string;
  /** Model repository to bake into /models; undefined bakes none (mount one at run time). */
  models: string | undefined;
  tag?: string;
  name: string;
  /** Base image for both stages; undefined: keelson's own pair, built first if missing. */
  base?: string;
  gpu: boolean;
}

/** Builds `service/Dockerfile`, records `name@sha256:digest` in `.keelson/images.json`, returns the record. */
export async function buildImage(
  ctx: ContainerEnv,
  builder: ImageBuilder,
  options: BuildImageOptions,
): Promise<Extract<ImageRecord, { kind: 'built' }>> {
  const { reporter, exec } = ctx;
  const contextDir = resolve(options.contextDir);
  const dockerfile = join(contextDir, 'service', 'Dockerfile');
  if (!existsSync(dockerfile)) throw new InvalidOptionError('build context', contextDir, `a directory containing service/Dockerfile`);
  const git = await readGitState(exec, contextDir);
  const tag = options.tag === undefined ? imageTag(git) : validateTag(options.tag);
  const ref = `localhost/${validateRepository(options.name)}:${tag}`;

  const bases = options.base ? { runtime: options.base, build: options.base } : await ensureBaseImages({ builder, exec, reporter });
  const models = await runStep(reporter, 'stage models', async () => stageModels(contextDir, options.models), {
    summary: (count) => (count === 0 ? 'none baked in: mount a model repository at /models' : `${count} model version(s) baked into /models`),
  });
  if (models === 0) reporter.emit({ kind: 'note', level: 'warn', message: 'the image has no models; run it with -v DIR:/models:ro' });

  await runStep(reporter, `build ${ref} with ${builder.kind}`, async (progress) => {
    await builder.build({
      contextDir,
      dockerfile,
      tags: [ref],
      buildArgs: { BASE_IMAGE: bases.runtime, BUILD_IMAGE: bases.build, GPU: String(options.gpu), MODELS_DIR: STAGED_MODELS_DIR },
      // Only step headers: one line per Dockerfile instruction is the right grain for a progress line.
      onLine: (line) => /^((\[\d+\/\d+\] )?STEP \d+\/\d+:|#\d+ \[)/.test(line) && progress(line),
    });
  });
  const info = await builder.inspect(ref);
  const record: Extract<ImageRecord, { kind: 'built' }> = {
    kind: 'built',
    ref,
    pinned: pinnedRef(ref, info.digest),
    digest: info.digest,
    builder: builder.kind,
    base: bases.runtime,
    sizeBytes: info.sizeBytes,
    gitSha: git.sha ?? null,
    at: new Date().toISOString(),
  };
  appendImageRecord(keelsonPaths().images, record);
  const size = `${(info.sizeBytes / 1e6).toFixed(0)} MB`;
  if (!options.gpu && info.sizeBytes > imageSizeTargetBytes) {
    reporter.emit({ kind: 'note', level: 'warn', message: `image is ${size}, over the 300 MB target: check which production dependencies it carries` });
  } else {
    reporter.emit({ kind: 'note', level: 'info', message: `image size: ${size}` });
  }
  return record;
}

/**
 * Copies the model repository into the build context (COPY can read nothing else); an empty
 * directory when there is none. Replaces what an earlier, possibly crashed, build left there.
 */
function stageModels(contextDir: string, models: string | undefined): number {
  const staged = join(contextDir, STAGED_MODELS_DIR);
  rmSync(staged, { recursive: true, force: true });
  mkdirSync(staged, { recursive: true });
  if (models === undefined) return 0;
  const source = resolve(models);
  if (!existsSync(source) || !statSync(source).isDirectory()) {
    throw new InvalidOptionError('--models', models, 'a model repository directory (DIR/<model>/<version>/model.onnx)');
  }
  cpSync(source, staged, { recursive: true, dereference: true });
  const versions = readdirSync(staged).flatMap((model) =>
    statSync(join(staged, model)).isDirectory()
      ? readdirSync(join(staged, model)).filter((v) => existsSync(join(staged, model, v, 'model.onnx')))
      : [],
  );
  if (versions.length === 0) {
    throw new ContainerError(`--models '${models}' holds no DIR/<model>/<version>/model.onnx`,
      'create sample models with `npx keelson models sample --out DIR`, or omit --models and mount them at run time');
  }
  return versions.length;
}
