/** The pure Rollout follower, the API error translation and the plugin's promote patches. */
import { describe, expect, it } from 'vitest';
import { promotePatches } from '../../kubernetes/rollout-actions.js';
import type { RolloutObject } from '../../kubernetes/rollout-objects.js';
import { initialState, observe, type FollowState, type Observation } from '../../kubernetes/rollout-progress.js';
import { fromNetwork, fromStatus } from '../../kubernetes/translate.js';
import { status } from './fake-api-server.js';

const steps = [5, 25].map((weight) => ({ experiment: { templates: [{ weight }, { weight }] } }));
const rollout = (s: NonNullable<RolloutObject['status']>, generation = 2): RolloutObject => ({
  metadata: { name: 'keelson', generation, annotations: { 'rollout.argoproj.io/revision': '2' } },
  spec: { template: { spec: { containers: [{ image: 'img@sha256:1' }] } }, strategy: { canary: { steps } } },
  status: { observedGeneration: String(generation), ...s },
});
const run = (...values: [string, string, string[]][]) => ({
  metadata: { name: 'run-0' },
  status: { phase: 'Running', metricResults: [{ name: 'judge', measurements: values.map(([phase, decision, reasons]) => ({ phase, value: JSON.stringify({ decision, reasons }) })) }] },
});

function fold(observations: Observation[]) {
  let state: FollowState = initialState(observations[0]!.rollout);
  const all = observations.map((o) => {
    const step = observe(state, o);
    state = step.state;
    return step;
  });
  return { events: all.flatMap((s) => s.events), last: all.at(-1)!, state };
}

describe('following a Rollout', () => {
  it('waits for the controller to observe the new generation before reading anything', () => {
    const stale = rollout({ phase: 'Healthy', stableRS: 'a', currentPodHash: 'a' });
    stale.status!.observedGeneration = '1';
    expect(fold([{ rollout: stale }]).last).toEqual({ state: expect.anything(), events: [] });
  });

  it('reports steps, weights, each measurement once, and promotion at the new revision', () => {
    const progressing = rollout({ phase: 'Progressing', stableRS: 'a', currentPodHash: 'b', currentStepIndex: 1, canary: { weights: { canary: { weight: 0 }, stable: { weight: 50 }, additional: [{ weight: 25 }, { weight: 25 }] } } });
    const { events, last } = fold([
      { rollout: progressing, analysisRun: run(['Inconclusive', 'continue', ['too few requests']]) },
      { rollout: progressing, analysisRun: run(['Inconclusive', 'continue', ['too few requests']], ['Successful', 'promote', ['no regression']]) },
      { rollout: rollout({ phase: 'Healthy', stableRS: 'b', currentPodHash: 'b', currentStepIndex: 2 }) },
    ]);
    expect(events.map((e) => e.kind)).toEqual(['step', 'weights', 'analysis', 'measurement', 'measurement']);
    expect(events[0]).toEqual({ kind: 'step', step: 2, total: 2, weight: 25 });
    expect(events[4]).toEqual({ kind: 'measurement', judgement: { step: 2, phase: 'Successful', decision: 'promote', reasons: ['no regression'] } });
    expect(last.outcome).toEqual({ kind: 'promoted', revision: '2', image: 'img@sha256:1' });
  });

  it("a Degraded Rollout after a failed analysis is the judge's rollback, with its reasons", () => {
    const { last } = fold([
      { rollout: rollout({ phase: 'Progressing', stableRS: 'a', currentPodHash: 'b' }), analysisRun: run(['Failed', 'rollback', ['p90 latency +40%']]) },
      { rollout: rollout({ phase: 'Degraded', abort: true, message: 'RolloutAborted: Rollout aborted update to revision 2' }) },
    ]);
    expect(last.outcome).toEqual({ kind: 'rolled-back', by: 'judge', reason: 'the judge rolled back the canary at step 1/2: p90 latency +40%' });
  });

  it('an abort with no failed analysis was a person', () => {
    const { last } = fold([{ rollout: rollout({ phase: 'Degraded', abort: true, message: 'RolloutAborted: Rollout aborted update to revision 2' }), analysisRun: run(['Inconclusive', 'continue', []]) }]);
    expect(last.outcome).toMatchObject({ kind: 'rolled-back', by: 'person' });
  });

  it('asks for an abort once on an inconclusive pause, not on a CanaryPauseStep, and names the abort afterwards', () => {
    const paused = (reason: string) => rollout({ phase: 'Paused', stableRS: 'a', currentPodHash: 'b', pauseConditions: [{ reason }] });
    expect(fold([{ rollout: paused('CanaryPauseStep') }]).last.abort).toBeUndefined();
    const { last, events } = fold([{ rollout: paused('InconclusiveExperiment') }, { rollout: paused('InconclusiveExperiment') }]);
    expect(events.filter((e) => e.kind === 'paused')).toEqual([{ kind: 'paused', reason: 'InconclusiveExperiment', abort: true }]);
    expect(last.abort).toBeUndefined();
    const after = fold([{ rollout: paused('InconclusiveAnalysisRun') }, { rollout: rollout({ phase: 'Degraded', abort: true, message: 'RolloutAborted' }) }]);
    expect(after.last.outcome).toMatchObject({ kind: 'rolled-back', by: 'inconclusive' });
    expect(after.last.outcome?.kind === 'rolled-back' && after.last.outcome.reason).toContain('the local platform rolls back on an analysis timeout');
  });
});

describe('API errors', () => {
  const ctx = { verb: 'patch' as const, ref: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout' }, namespace: 'ml', name: 'keelson', server: 'https://k8s:6443', source: 'KUBECONFIG=/k' };

  it('names a conflicting field manager on 409 and says keelson does not force', () => {
    const conflict = status(409, 'Conflict', 'Apply failed with 1 conflict: conflict with "pulumi-kubernetes-4f2a": .spec.replicas', {
      causes: [{ type: 'FieldManagerConflict', message: 'conflict with "pulumi-kubernetes-4f2a"', field: '.spec.replicas' }],
    });
    const error = fromStatus(409, conflict, ctx);
    expect(error.kind).toBe('conflict');
    expect(error.message).toContain('.spec.replicas (conflict with "pulumi-kubernetes-4f2a")');
  });

  it('tells a missing namespace from a missing CRD', () => {
    expect(fromStatus(404, status(404, 'NotFound', 'namespaces "ml" not found', { name: 'ml', kind: 'namespaces' }), ctx).message).toContain('namespace ml does not exist');
    expect(fromStatus(404, status(404, 'NotFound', 'the server could not find the requested resource'), ctx).message).toContain('Argo Rollouts is not installed (no rollouts.argoproj.io)');
  });

  it('names the server and the kubeconfig source when unreachable, and is transient', () => {
    const error = fromNetwork(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }), ctx);
    expect(error.message).toContain('cannot reach the API server at https://k8s:6443 (from KUBECONFIG=/k): ECONNREFUSED');
    expect(error.transient).toBe(true);
  });
});

describe('promote, as the kubectl plugin patches', () => {
  it('clears pause conditions when paused, and steps on when not', () => {
    expect(promotePatches(rollout({ currentStepIndex: 0, pauseConditions: [{ reason: 'CanaryPauseStep' }] })).status).toEqual({ status: { pauseConditions: null } });
    expect(promotePatches(rollout({ currentStepIndex: 0 })).status).toEqual({ status: { pauseConditions: null, currentStepIndex: 1 } });
    const inconclusive = rollout({ currentStepIndex: 1, controllerPause: true, pauseConditions: [{ reason: 'InconclusiveAnalysisRun' }], canary: { currentStepAnalysisRunStatus: { status: 'Inconclusive' } } });
    expect(promotePatches(inconclusive).status).toEqual({ status: { pauseConditions: null, controllerPause: false, currentStepIndex: 2 } });
  });
});
