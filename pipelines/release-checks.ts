import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { parseRegistry, isLoopback } from '../container/registry.js';
import { DeploySpecError, deploySpecObject, describeProblem, loadDeploySpec, type DeploySpec } from '../contract/deploy-spec.js';
import { ReleaseError } from './release-error.js';
import type { ReleaseGit } from './release-git.js';

/** Refuses a dirty work tree (naming the files) and a branch other than main (or `allowBranch`); returns the branch. */
export async function checkWorkTree(git: ReleaseGit, allowBranch: string | undefined): Promise<string> {
  const changed = await git.changedFiles();
  if (changed.length > 0) {
    const shown = changed.slice(0, 20).map((f) => `\n    ${f}`).join('') + (changed.length > 20 ? `\n    … and ${changed.length - 20} more` : '');
    throw new ReleaseError(`the work tree has uncommitted changes; a release builds exactly a commit:${shown}`,
      'commit or stash them (git stash --include-untracked), then release again');
  }
  const branch = await git.branch();
  const allowed = allowBranch ?? 'main';
  if (branch !== allowed) {
    throw new ReleaseError(`releases are made from ${allowed}, and HEAD is ${branch === undefined ? 'detached' : `on branch ${branch}`}`,
      branch === undefined ? 'check out main' : `check out main, or pass --allow-branch ${branch} to release this branch on purpose`);
  }
  return branch;
}

/** Refuses a missing `--registry` and one that does not answer HTTP at `/v2/`, before minutes of building. */
export async function checkRegistry(registry: string | undefined, insecure: boolean): Promise<string> {
  if (!registry) {
    throw new ReleaseError('no registry to push the image to: --registry is missing and KEELSON_REGISTRY is not set',
      'pass --registry HOST[:PORT][/PATH] (e.g. ghcr.io/OWNER, or 127.0.0.1:5000 for a local registry)');
  }
  let host: string;
  let port: number | undefined;
  try {
    ({ host, port } = parseRegistry(registry));
  } catch (error) {
    throw new ReleaseError((error as Error).message, 'pass --registry HOST[:PORT][/PATH] without a scheme');
  }
  // A self-signed registry (--insecure) cannot be probed by fetch; the push itself will tell.
  if (insecure && !isLoopback(host)) return registry;
  const url = `${isLoopback(host) ? 'http' : 'https'}://${host}${port === undefined ? '' : `:${port}`}/v2/`;
  try {
    await fetch(url, { signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    const { cause } = error as { cause?: { code?: string; message?: string } };
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new ReleaseError(`--registry ${registry} does not answer (${url}: ${why})`,
      'start the registry or fix --registry; nothing was built yet');
  }
  return registry;
}

/** The spec as it is before the release; a missing `service.image` is allowed: the release writes it. */
export function readSpecForRelease(repo: string, specPath: string): { spec: DeploySpec; text: string } {
  const file = join(repo, specPath);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ReleaseError(`${specPath} cannot be read: ${(error as Error).message}`, `create ${specPath} (see docs/configuration.md), or check --env`);
  }
  try {
    return { spec: loadDeploySpec(file), text };
  } catch (error) {
    if (!(error instanceof DeploySpecError)) throw error;
    const onlyMissingImage = error.problems.every((p) => p.path === 'service.image' && p.value === undefined);
    if (onlyMissingImage) return { spec: deploySpecObject.parse(parseDocument(text).toJS()), text };
    const tagged = error.problems.find((p) => p.path === 'service.image' && typeof p.value === 'string');
    throw new ReleaseError(`${specPath}: invalid deploy spec\n${error.problems.map((p) => `  - ${describeProblem(p)}`).join('\n')}`,
      tagged
        ? `service.image must be pinned by digest, not a tag (a tag can move under a running rollout): put the last released name@sha256:… back (git log -p ${specPath}), or delete the line and the release writes the digest it pushes`
        : `fix ${specPath} and commit it, then release again`);
  }
}

/** The release the spec's `service.image` came from, read from the trailers of the commit that last set it. */
export interface PreviousRelease {
  commit: string;
  /** The commit that was built; undefined when the image was set by hand or by a revert. */
  sourceCommit: string | undefined;
  spec: DeploySpec | undefined;
}

export async function findPreviousRelease(git: ReleaseGit, specPath: string): Promise<PreviousRelease | undefined> {
  const commit = await git.lastCommitChanging(specPath, '^\\s*image:');
  if (!commit) return undefined;
  const sourceCommit = /^Source-Commit: ([0-9a-f]{40})$/m.exec(await git.message(commit))?.[1];
  const text = await git.fileAt(commit, specPath);
  let spec: DeploySpec | undefined;
  try {
    spec = text === undefined ? undefined : deploySpecObject.parse(parseDocument(text).toJS());
  } catch {
    spec = undefined;
  }
  return { commit, sourceCommit, spec };
}
