import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reconcileOnce, settleInterrupted, type AgentOptions, type DeployOutcome } from '../../gitops/agent.js';
import { deployOutcome, interruptedOutcome } from '../../gitops/local-deployer.js';
import type { RolloutEnd } from '../../platform/state.js';
import type { DesiredModel, HeadState } from '../../gitops/reconcile.js';
import { initialStatus, type GitopsStatus } from '../../gitops/status.js';

const v = (version: string): DesiredModel => ({ name: 'penguins', version, sha256: `sha-${version}` });

/** An agent over a fake repository whose head asks for penguins:3 while penguins:2 runs; each deploy ends as `outcomes` says. */
function agentWith(outcomes: DeployOutcome[]) {
  const deploys: string[] = [];
  const opts: AgentOptions = {
    source: { dir: '/repo', sync: async () => {}, head: async () => 'abc1234567', readFile: async () => 'spec', describe: async (c) => c.slice(0, 7) },
    branch: 'main',
    environment: 'local',
    statusPath: join(mkdtempSync(join(tmpdir(), 'keelson-agent-')), 'gitops.json'),
    deployer: {
      live: async () => v('2'),
      deploy: async ({ commit }) => (deploys.push(commit), outcomes.shift()!),
    },
    readHead: (commit): HeadState => ({ kind: 'valid', commit, model: v('3'), fingerprint: commit }),
    log: () => {},
    queuePollMs: 60_000,
  };
  return { opts, deploys };
}

describe('the agent after a rollout that did not promote', () => {
  it('tries a commit again when its rollout did not finish, and says so without blaming canary analysis', async () => {
    const { opts, deploys } = agentWith([
      { kind: 'unfinished', reason: 'the rollout controller lost the platform: platform unreachable for 30 s; rolled back to stable' },
      { kind: 'promoted', detail: 'rollout r2' },
    ]);
    let status: GitopsStatus = initialStatus('/repo', 'main', 'local');
    status = await reconcileOnce(opts, status);
    expect(status.phase).toBe('failed');
    expect(status.failure?.message).toBe(
      'commit abc1234 (penguins:3) did not finish its rollout: the rollout controller lost the platform: platform unreachable for 30 s; rolled back to stable; running penguins:2; the agent tries abc1234 again at its next check',
    );
    expect(status.history.at(-1)?.outcome).toBe('unfinished');
    status = await reconcileOnce(opts, status);
    expect(deploys).toEqual(['abc1234567', 'abc1234567']);
    expect(status).toMatchObject({ phase: 'idle', lastSuccessfulCommit: 'abc1234567', failure: null });
  });

  it('does not try a commit again that canary analysis rolled back', async () => {
    const { opts, deploys } = agentWith([{ kind: 'rolled-back', reason: 'canary analysis: canary p50 latency +40%', decidedBy: 'judge' }]);
    let status = await reconcileOnce(opts, initialStatus('/repo', 'main', 'local'));
    expect(status.failure?.message).toBe('commit abc1234 (penguins:3) was rolled back by canary analysis: canary p50 latency +40%; running penguins:2; revert abc1234 to make git match');
    status = await reconcileOnce(opts, status);
    expect(deploys).toHaveLength(1);
  });
});

describe('the agent reads git as little as it can', () => {
  it('reads a new head\'s deploy spec once and hands that text to the deployer; a head it handled is not read again', async () => {
    const { opts } = agentWith([{ kind: 'promoted' }]);
    const reads: string[] = [];
    const specs: string[] = [];
    opts.source = { ...opts.source, readFile: async (commit, path) => (reads.push(`${commit}:${path}`), `spec of ${commit}`) };
    const deploy = opts.deployer.deploy;
    opts.deployer.deploy = async (target) => (specs.push(target.specText), deploy(target));
    const status = await reconcileOnce(opts, initialStatus('/repo', 'main', 'local'));
    await reconcileOnce(opts, status);
    expect(reads).toEqual(['abc1234567:deploy/local.yaml']);
    expect(specs).toEqual(['spec of abc1234567']);
  });
});

describe('deployOutcome: only the judge rejects a commit', () => {
  const result = { id: 'r1', reason: 'why' };
  it('maps who decided to what the agent does next', () => {
    expect(deployOutcome({ ...result, outcome: 'rolled-back', decidedBy: 'judge' })).toEqual({ kind: 'rolled-back', reason: 'why', decidedBy: 'judge' });
    expect(deployOutcome({ ...result, outcome: 'rolled-back', decidedBy: 'platform' })).toEqual({ kind: 'rolled-back', reason: 'why', decidedBy: 'platform' });
    expect(deployOutcome({ ...result, outcome: 'rolled-back', decidedBy: 'controller' })).toEqual({ kind: 'unfinished', reason: 'why' });
    expect(deployOutcome({ ...result, outcome: 'unfinished', decidedBy: 'controller' })).toEqual({ kind: 'unfinished', reason: 'why' });
    expect(deployOutcome({ ...result, outcome: 'promoted', decidedBy: 'judge' })).toEqual({ kind: 'promoted', detail: 'rollout r1' });
  });
});

describe('settleInterrupted: the agent died mid-rollout and starts again', () => {
  const deploying = { commit: 'abc1234567', model: v('3'), startedAt: '2026-01-01T00:00:00.000Z' };
  const end = (over: Partial<RolloutEnd>): RolloutEnd => ({ id: 'r9', model: 'penguins', fromVersion: '2', toVersion: '3', outcome: 'rolled-back', reason: 'canary analysis: predicted-class mix shifted', at: '2026-01-01T00:01:00.000Z', ...over });

  async function restartWith(recorded: DeployOutcome | null) {
    const { opts, deploys } = agentWith([{ kind: 'promoted', detail: 'rollout r10' }]);
    opts.deployer.interrupted = async () => recorded;
    const left: GitopsStatus = { ...initialStatus('/repo', 'main', 'local'), phase: 'deploying', lastSeenCommit: 'abc1234567', deploying, live: { model: v('2'), commit: 'c2' } };
    const settled = await settleInterrupted(opts, left);
    const next = await reconcileOnce(opts, settled);
    return { settled, next, deploys };
  }

  it('keeps a commit the judge rolled back rejected: no retry until git changes', async () => {
    const { settled, deploys } = await restartWith(interruptedOutcome(end({ decidedBy: 'judge' })));
    expect(settled.phase).toBe('failed');
    expect(settled.deploying).toBeNull();
    expect(settled.failure?.message).toContain('commit abc1234 (penguins:3) was rolled back by canary analysis: predicted-class mix shifted (rollout r9, ended while the agent was down); running penguins:2 from c2');
    expect(deploys).toEqual([]);
  });

  it('records a promotion that happened while it was down', async () => {
    const { settled, deploys } = await restartWith(interruptedOutcome(end({ outcome: 'promoted', reason: 'canary analysis: no regression', decidedBy: 'judge' })));
    expect(settled).toMatchObject({ phase: 'idle', lastSuccessfulCommit: 'abc1234567', live: { model: v('3') } });
    expect(deploys).toEqual([]);
  });

  it('retries a rollout nobody decided (its controller died with the agent), and one with no record', async () => {
    const orphan = interruptedOutcome(end({ reason: 'the rollout controller (pid 42) went away at step 1 of 2; rolled back so traffic is not left split', decidedBy: 'platform' }));
    expect(orphan.kind).toBe('unfinished');
    expect((await restartWith(orphan)).deploys).toEqual(['abc1234567']);
    expect((await restartWith(null)).deploys).toEqual(['abc1234567']);
  });
});
