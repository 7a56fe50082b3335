import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reconcileOnce, type AgentOptions, type DeployOutcome } from '../../pipelines/gitops/agent.js';
import { deployOutcome } from '../../pipelines/gitops/local-deployer.js';
import type { DesiredModel, HeadState } from '../../pipelines/gitops/reconcile.js';
import { initialStatus, type GitopsStatus } from '../../pipelines/gitops/status.js';

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
