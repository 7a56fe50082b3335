import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ContainerRuntime, ImageBuilder } from '../container/builders/types.js';
import type { ContainerEnv } from '../container/select.js';
import { parseDeploySpec } from '../contract/deploy-spec.js';
import { objectFileName, renderService } from '../infra/render/index.js';
import { runStep } from '../steps/step.js';
import { buildImage } from './build.js';
import { writeReleasedFields } from './deploy-spec-edit.js';
import { pushImage } from './push.js';
import { checkRegistry, checkWorkTree, findPreviousRelease, readSpecForRelease, type PreviousRelease } from './release-checks.js';
import { ReleaseError } from './release-error.js';
import type { ReleaseGit } from './release-git.js';
import { checkReleasedModel, type ReleasedModel } from './release-model.js';
import { smokeTest } from './smoke.js';

export interface ReleaseOptions {
  /** Repository root: build context and where `deploy/<env>.yaml` lives. */
  repo: string;
  env: string;
  registry: string | undefined;
  /** Image repository name under the registry. */
  name: string;
  /** Model repository holding `<name>/<version>/model.onnx`, relative to `repo`. */
  models: string;
  /** Release this model version instead of the spec's (rewrites model.version, uri and sha256). */
  modelVersion?: string;
  skipTests: boolean;
  allowBranch?: string;
  pushGit: boolean;
  insecure: boolean;
  readyTimeoutMs: number;
  /** Pull-based mode: also write `deploy/rendered/<env>/` (what Argo CD syncs) into the release commit. */
  rendered: boolean;
}

/** The systems a release drives, passed in so that each is opened only when the release gets that far. */
export interface ReleaseDeps {
  ctx: ContainerEnv;
  git: ReleaseGit;
  openBuilder(): Promise<ImageBuilder>;
  runtimeFor(builder: ImageBuilder): ContainerRuntime & Pick<ImageBuilder, 'inspect'>;
  /** The test step; returns the ids of the failed checks. */
  runTests(): Promise<string[]>;
}

export type ReleaseResult =
  | { kind: 'released'; commit: string; subject: string; image: string; pushedTo: string | undefined }
  | { kind: 'unchanged'; image: string; reason: string };

/**
 * `keelson release`: check → test → build → push → smoke → commit the digest into `deploy/<env>.yaml`.
 * The release commit touches only deploy/ and is the deploy record: `git revert` of it is the way back.
 */
export async function runRelease(o: ReleaseOptions, d: ReleaseDeps): Promise<ReleaseResult> {
  const { reporter } = d.ctx;
  if (!/^[a-z][a-z0-9-]*$/.test(o.env)) throw new ReleaseError(`--env '${o.env}' is invalid: expected a lower-case name such as production`);
  const specPath = `deploy/${o.env}.yaml`;

  const branch = await runStep(reporter, 'check the work tree and branch', () => checkWorkTree(d.git, o.allowBranch), { summary: (b) => `clean, on ${b}` });
  const registry = await runStep(reporter, `check the registry ${o.registry ?? ''}`.trim(), () => checkRegistry(o.registry, o.insecure));
  const { spec, text } = await runStep(reporter, `read ${specPath}`, async () => readSpecForRelease(o.repo, specPath));
  const model = await runStep(reporter, 'check the model files against the spec', async () => checkReleasedModel(o.repo, o.models, spec.model, o.modelVersion),
    { summary: (m) => `${m.name} ${m.version}, sha256 ${m.sha256.slice(0, 12)}…` });
  const source = await d.git.head();
  const previous = await findPreviousRelease(d.git, specPath);
  const already = await alreadyReleased(d.git, previous, source, model, spec.service.image);
  if (already) return { kind: 'unchanged', image: spec.service.image!, reason: already };

  if (o.skipTests) reporter.emit({ kind: 'skip', step: 'test step', reason: '--skip-tests (CI ran them)' });
  else {
    const failed = await d.runTests();
    if (failed.length > 0) throw new ReleaseError(`the test step failed (${failed.join(', ')}): nothing was built`, 'fix the failures, commit, release again');
  }

  const builder = await d.openBuilder();
  const built = await withStagedModel(model, (models) =>
    buildImage(d.ctx, builder, { contextDir: o.repo, models, name: o.name, gpu: spec.service.gpu }));
  const pushed = await pushImage(d.ctx, builder, { registry, image: built.ref, insecure: o.insecure });
  await smokeTest({ image: built.ref, runtime: d.runtimeFor(builder), reporter, model: `${model.name}:${model.version}`, readyTimeoutMs: o.readyTimeoutMs, labels: 'warn' });

  if (spec.service.image === pushed.pinned && model.version === spec.model.version) {
    return { kind: 'unchanged', image: pushed.pinned, reason: `${specPath} already pins ${pushed.pinned}` };
  }
  const modelChanged = model.version !== spec.model.version;
  const edited = writeReleasedFields(text, { image: pushed.pinned, ...(modelChanged ? { model: { version: model.version, uri: model.uri, sha256: model.sha256 } } : {}) });
  const subject = releaseSubject(model, previous?.spec?.model.version, pushed.digest);
  const commit = await runStep(reporter, `commit ${specPath}: ${subject}`, async () => {
    writeFileSync(join(o.repo, specPath), edited);
    const paths = [specPath, ...(o.rendered ? [writeRendered(o.repo, o.env, edited, specPath)] : [])];
    return d.git.commit(paths, `${subject}\n\nImage: ${pushed.pinned}\nSource-Commit: ${source}\n`);
  }, { summary: (c) => c.slice(0, 12) });
  const pushedTo = o.pushGit ? await runStep(reporter, `git push ${branch}`, () => d.git.push(branch), { summary: (url) => url }) : undefined;
  return { kind: 'released', commit, subject, image: pushed.pinned, pushedTo };
}

/** "release: penguins 2 → 3 sha256:abcd1234abcd…"; the same version twice says that only the code changed. */
export function releaseSubject(model: Pick<ReleasedModel, 'name' | 'version'>, previousVersion: string | undefined, digest: string): string {
  const short = `${digest.slice(0, 'sha256:'.length + 12)}…`;
  if (previousVersion === undefined) return `release: ${model.name} ${model.version} (first release) ${short}`;
  if (previousVersion === model.version) return `release: ${model.name} ${model.version} (code only) ${short}`;
  return `release: ${model.name} ${previousVersion} → ${model.version} ${short}`;
}

/**
 * Why there is nothing to release, or undefined: the spec's image came from a release of a commit that differs
 * from HEAD only under deploy/ (e.g. the release commit itself), with the same model. Saves a build of minutes.
 */
async function alreadyReleased(git: ReleaseGit, previous: PreviousRelease | undefined, head: string, model: ReleasedModel, image: string | undefined): Promise<string | undefined> {
  if (!previous?.sourceCommit || !previous.spec || image === undefined || previous.spec.service.image !== image) return undefined;
  const pinned = previous.spec.model;
  if (pinned.name !== model.name || pinned.version !== model.version || pinned.sha256 !== model.sha256) return undefined;
  if (!(await git.sameOutside(previous.sourceCommit, head, 'deploy'))) return undefined;
  return `already released: ${image} was built from ${previous.sourceCommit.slice(0, 12)} (release commit ${previous.commit.slice(0, 12)}), and nothing outside deploy/ changed since`;
}

/** Only the released model version goes into the image: what the spec pins is exactly what is served. */
async function withStagedModel<T>(model: ReleasedModel, action: (models: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'keelson-release-models-'));
  try {
    cpSync(model.dir, join(dir, model.name, model.version), { recursive: true, dereference: true });
    return await action(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `keelson render --env ENV --out deploy/rendered/ENV` of the edited spec; returns the directory (repository-relative). */
function writeRendered(repo: string, env: string, specText: string, specPath: string): string {
  const relativeDir = `deploy/rendered/${env}`;
  const dir = join(repo, relativeDir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const object of renderService(parseDeploySpec(specText, specPath), { source: specPath })) {
    writeFileSync(join(dir, objectFileName(object)), stringify(object, { lineWidth: 0 }));
  }
  return relativeDir;
}
