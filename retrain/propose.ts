/**
 * `--propose ENV`: the accepted version goes into `deploy/<env>.yaml` as one commit, and nothing more. The GitOps
 * agent (or the pipeline) rolls it out as a canary and the judge decides; a retrain never deploys around them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { loadDeploySpec } from '../contract/deploy-spec.js';
import { writeReleasedFields } from '../pipelines/deploy-spec-edit.js';
import type { ReleaseGit } from '../pipelines/release-git.js';
import { RetrainInputError } from './errors.js';
import type { Scores } from './gate.js';

/** The environment a retrain proposes to: its spec file and the model version it runs now. */
export interface ProposeTarget {
  repo: string;
  env: string;
  /** `deploy/<env>.yaml`, relative to the repository. */
  specPath: string;
  model: { name: string; version: string; sha256: string };
}

/** Reads `deploy/<env>.yaml` and refuses early: another model, or uncommitted edits that would ride along in the commit. */
export async function proposeTarget(repo: string, env: string, name: string, git: ReleaseGit): Promise<ProposeTarget> {
  const specPath = join('deploy', `${env}.yaml`);
  const spec = loadDeploySpec(join(repo, specPath));
  if (spec.model.name !== name) throw new RetrainInputError(`--propose ${env}: ${specPath} runs model ${spec.model.name}, not --model ${name}`);
  if ((await git.changedFiles()).includes(specPath)) throw new RetrainInputError(`--propose ${env}: ${specPath} has uncommitted changes; commit or stash them first, so the retrain commit holds only its own edit`);
  return { repo, env, specPath, model: { name: spec.model.name, version: spec.model.version, sha256: spec.model.sha256 } };
}

/** Rewrites model.version, uri and sha256 in place (comments and layout kept) and commits only that file. */
export async function proposeVersion(
  git: ReleaseGit,
  target: ProposeTarget,
  written: { version: string; dir: string; sha256: string; scores: Scores },
): Promise<{ commit: string; message: string }> {
  const { repo, specPath, model } = target;
  const inRepo = relative(resolve(repo), resolve(written.dir));
  const uri = inRepo.startsWith('..') || isAbsolute(inRepo) ? resolve(written.dir) : inRepo;
  const file = join(repo, specPath);
  writeFileSync(file, writeReleasedFields(readFileSync(file, 'utf8'), { model: { version: written.version, uri, sha256: written.sha256 } }));
  const message = `retrain: ${model.name} ${model.version} → ${written.version} (held-out ${written.scores.heldOut.toFixed(2)}, traffic ${written.scores.traffic.toFixed(2)})`;
  return { commit: await git.commit([specPath], message), message };
}
