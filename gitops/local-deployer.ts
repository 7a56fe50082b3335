import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { $ } from 'zx';
import type { GitRepository } from './git.js';
import { parseDeploySpec } from '../contract/deploy-spec.js';
import { policyFromSpec } from './head.js';
import type { DeployOutcome, Deployer } from './agent.js';
import type { DesiredModel } from './reconcile.js';
import { PlatformClient } from '../platform/client.js';
import type { KeelsonPaths } from '../contract/keelson-paths.js';
import { isOrphanRollback } from '../platform/control.js';
import { modelSha } from '../platform/model-sha.js';
import { readState, type RolloutEnd } from '../platform/state.js';
import { RolloutConflict } from '../rollout/errors.js';
import { runRollout, type RolloutResult, type RunRolloutOptions } from '../rollout/run-rollout.js';

export interface LocalDeployerOptions {
  paths: KeelsonPaths;
  /** The model repository the platform serves from. */
  modelsDir: string;
  /** The repository the agent watches (the test step exports each commit from it). */
  source: Pick<GitRepository, 'dir' | 'archive'>;
  /** Shell command run in a clean checkout of each commit before it is deployed; none: the step is skipped. */
  testCommand?: string;
  reportsDir?: string;
  prometheusUrl?: string;
  log(line: string): void;
}

/** Deploys desired states onto the local platform: test the commit, check the model package, canary rollout. */
export function createLocalDeployer(opts: LocalDeployerOptions): Deployer {
  return {
    async live() {
      const state = readState(opts.paths.state);
      if (!state?.stable) return null;
      return { name: state.model, version: state.stable.version, sha256: modelSha(opts.modelsDir, state.model, state.stable.version) ?? '' };
    },
    async interrupted(deploying) {
      const last = readState(opts.paths.state)?.lastRollout;
      const matches = last && last.model === deploying.model.name && last.toVersion === deploying.model.version && Date.parse(last.at) >= Date.parse(deploying.startedAt);
      return matches ? interruptedOutcome(last) : null;
    },
    async deploy({ commit, model, specText }): Promise<DeployOutcome> {
      const spec = parseDeploySpec(specText, `${commit.slice(0, 7)}:deploy spec`);
      if (opts.testCommand) {
        opts.log(`gitops: test ${commit.slice(0, 7)}: ${opts.testCommand}`);
        const tested = await testCommit(opts.source, commit, opts.testCommand, opts.paths.gitopsCheckouts);
        if (!tested.ok) return { kind: 'failed', reason: `test step failed (\`${opts.testCommand}\` exited ${tested.exitCode}): ${tested.tail}` };
      }
      const packaged = checkPackage(opts.modelsDir, model);
      if (packaged) return { kind: 'failed', reason: packaged };
      const client = PlatformClient.locate(opts.paths);
      if ((await client.view()).state.model !== model.name) {
        return { kind: 'failed', reason: `the platform serves another model; restart it with --model ${model.name}:${model.version}` };
      }
      const policy = policyFromSpec(spec, 'rollout');
      const result = await rolloutOnce(client, commit, {
        model: model.name,
        version: model.version,
        policy,
        paths: opts.paths,
        client,
        ...(opts.reportsDir ? { reportsDir: opts.reportsDir } : {}),
        ...(opts.prometheusUrl ? { prometheusUrl: opts.prometheusUrl } : {}),
      });
      opts.log(`gitops: rollout ${result.id} ${result.outcome} (decided by ${result.decidedBy}): ${result.reason} (report ${result.reports.html})`);
      return deployOutcome(result);
    },
  };
}

/** A rollout the platform finished while no agent watched: promoted, rejected, or (nobody decided) to be tried again. */
export function interruptedOutcome(end: RolloutEnd): DeployOutcome {
  const decidedBy = end.decidedBy ?? (isOrphanRollback(end) ? 'platform' : 'judge');
  const note = `(rollout ${end.id}, ended while the agent was down)`;
  if (end.outcome === 'promoted') return { kind: 'promoted', detail: note };
  if (decidedBy === 'judge' || decidedBy === 'person') return { kind: 'rolled-back', reason: `${end.reason} ${note}`, decidedBy };
  return { kind: 'unfinished', reason: `${end.reason} ${note}` };
}

/** Only the judge's verdict rejects a commit; a controller that stopped leaves the commit to be tried again. */
export function deployOutcome(result: Pick<RolloutResult, 'id' | 'outcome' | 'decidedBy' | 'reason'>): DeployOutcome {
  if (result.outcome === 'promoted') return { kind: 'promoted', detail: `rollout ${result.id}${result.decidedBy === 'person' ? ' (promoted by a person)' : ''}` };
  if (result.decidedBy === 'controller' || result.outcome === 'unfinished') return { kind: 'unfinished', reason: result.reason };
  // The rollback window only ever promotes; a rollback during one (its canary failed to start) is the platform's.
  return { kind: 'rolled-back', reason: result.reason, decidedBy: result.decidedBy === 'rollback-window' ? 'platform' : result.decidedBy };
}

/**
 * Runs the rollout. A rollout this agent left registered when it lost the platform (the platform only
 * reaps rollouts whose controller process died, and this one lives on) is rolled back first.
 */
async function rolloutOnce(client: PlatformClient, commit: string, options: RunRolloutOptions): Promise<RolloutResult> {
  try {
    return await runRollout(options);
  } catch (error) {
    if (!(error instanceof RolloutConflict)) throw error;
    const running = (await client.view()).state.rollout;
    if (!running || running.id !== error.runningId || running.ownerPid !== process.pid) throw error;
    await client.finish(running.id, 'rollback', `this agent lost the platform during rollout ${running.id}; rolled back before trying commit ${commit.slice(0, 7)} again`, 'controller');
    return runRollout(options);
  }
}

/** The package step: the model git asks for must exist and be exactly the bytes git pinned. */
function checkPackage(modelsDir: string, model: DesiredModel): string | null {
  const actual = modelSha(modelsDir, model.name, model.version);
  if (actual === null) return `package step: ${join(modelsDir, model.name, model.version, 'model.onnx')} does not exist; add the model to the repository`;
  if (actual !== model.sha256) {
    return `package step: model.sha256 in git is ${model.sha256.slice(0, 12)}… but ${model.name}:${model.version} in ${modelsDir} has ${actual.slice(0, 12)}…; commit the sha256 of the model you mean to ship`;
  }
  return null;
}

/** Runs the test command in a clean export of the commit (never the working tree a person is editing). */
async function testCommit(source: Pick<GitRepository, 'dir' | 'archive'>, commit: string, command: string, checkouts: string) {
  const dir = join(checkouts, `checkout-${commit.slice(0, 12)}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  try {
    const exported = await source.archive(commit, dir);
    if (!exported.ok) return { ok: false, exitCode: exported.exitCode, tail: exported.message };
    if (existsSync(join(source.dir, 'node_modules'))) symlinkSync(join(source.dir, 'node_modules'), join(dir, 'node_modules'));
    const run = await $({ cwd: dir, quiet: true, nothrow: true, env: { ...process.env, KEELSON_COMMIT: commit } })`bash -c ${command}`;
    const tail = `${run.stdout}${run.stderr}`.trim().split('\n').slice(-3).join(' | ');
    return { ok: run.ok, exitCode: run.exitCode, tail };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
