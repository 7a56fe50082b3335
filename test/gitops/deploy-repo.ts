import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { $ } from 'zx';
import { modelSha } from '../../platform/model-sha.js';

/** `deploy/local.yaml` naming penguins:VERSION with its model's sha256, rolled out in two quick steps; `extra` is appended. */
export function localSpec(modelsDir: string, version: string, extra = ''): string {
  const sha256 = modelSha(modelsDir, 'penguins', version);
  if (!sha256) throw new Error(`no model.onnx for penguins:${version} under ${modelsDir}`);
  return `environment: local
model:
  name: penguins
  version: "${version}"
  uri: models/penguins/${version}
  sha256: ${sha256}
service:
  replicas: 1
rollout:
  steps: [25, 50]
  interval: 1s
  minStepRequests: 20
  analysisTimeout: 15s
${extra}`;
}

/** A git repository in a new temporary directory whose first commit on `main` writes `deploy/local.yaml`. */
export async function createDeployRepo(prefix: string, firstSpec: string): Promise<string> {
  const repo = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(repo, 'deploy'));
  const git = (args: string[]) => $({ cwd: repo, quiet: true })`git ${args}`;
  await git(['init', '-q', '-b', 'main']);
  await git(['config', 'user.email', 'test@keelson.invalid']);
  await git(['config', 'user.name', 'keelson test']);
  writeFileSync(join(repo, 'deploy', 'local.yaml'), firstSpec);
  await git(['add', '.']);
  await git(['commit', '-qm', 'penguins 1']);
  return repo;
}
