/**
 * The AnalysisTemplate `keelson-judge`: Argo Rollouts asks keelson's canary judge for a verdict through its
 * `web` metric provider. The judge service is `keelson judge serve` (analysis/judge-service/); its endpoint is named once here.
 */
import type { DeploySpec } from '../../contract/deploy-spec.js';
import type { KubeObject } from './kube-object.js';

export const JUDGE_TEMPLATE_NAME = 'keelson-judge';
/** Experiment arms whose pods the judge compares (`{{templates.<name>.podTemplateHash}}`). */
export const BASELINE_ARM = 'baseline';
export const CANARY_ARM = 'canary';
/** Arguments the Rollout's experiment steps pass to the template. */
export const JUDGE_ARGS = ['baseline-hash', 'canary-hash', 'canary-weight'] as const;
/** Analysis timeout when the spec names none (the rollout policy's default). */
const DEFAULT_ANALYSIS_TIMEOUT_MS = 600_000;

/** Where the judge service answers `POST /v1/judge` with `{decision, verdict: {decision, reasons}, ...}` (decision: promote | continue | rollback). */
export function judgeEndpoint(namespace: string): string {
  return `http://keelson-judge.${namespace}.svc:8080/v1/judge`;
}

/** The AnalysisTemplate: one `web` metric measured every `rollout.interval` until a verdict or the analysis timeout. */
export function judgeAnalysisTemplate(spec: DeploySpec, namespace: string, intervalMs: number, analysisTimeoutMs?: number): KubeObject {
  const timeoutMs = analysisTimeoutMs ?? DEFAULT_ANALYSIS_TIMEOUT_MS;
  const count = Math.max(1, Math.ceil(timeoutMs / intervalMs));
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: JUDGE_TEMPLATE_NAME, namespace },
    spec: {
      args: JUDGE_ARGS.map((name) => ({ name })),
      metrics: [
        {
          name: 'judge',
          interval: `${intervalMs / 1000}s`,
          // Verdicts, as Argo's evaluator reads them with both conditions set: `rollback` → Failed (abort, traffic
          // to stable); `promote` → Successful, and `consecutiveSuccessLimit: 1` ends the metric there (the step
          // completes); `continue` → Inconclusive. Inconclusive must not end the run (Argo would pause on the
          // first one, long before the arms have enough requests), so `inconclusiveLimit` lets every measurement
          // up to `count` be inconclusive: the judge keeps measuring each interval until the analysis timeout,
          // whose last look is final (promote without a regression, or the policy's noDataDecision). Should `count`
          // still run out without a verdict (the judge unreachable at the end), the run ends Inconclusive → Argo
          // pauses the Rollout (`InconclusiveExperiment`) and `keelson deploy` aborts it: never a silent promote
          // (failureLimit -1 would turn the timeout into Failed, but would also stop `rollback` failing anything).
          count,
          consecutiveSuccessLimit: 1,
          failureLimit: 0,
          inconclusiveLimit: count,
          // `result` is the answer's `verdict` object ({decision, reasons}): Argo stores it as each measurement's
          // value, so `kubectl argo rollouts get`, the AnalysisRun and `keelson deploy` show the judge's reasons.
          successCondition: "result.decision == 'promote'",
          failureCondition: "result.decision == 'rollback'",
          provider: {
            web: {
              url: judgeEndpoint(namespace),
              method: 'POST',
              timeoutSeconds: 10,
              jsonPath: '{$.verdict}',
              jsonBody: {
                model: { name: spec.model.name, version: spec.model.version, sha256: spec.model.sha256 },
                // The arms by pod-template hash: Argo gives experiment pods hashes of their own, so every series
                // with these hashes belongs to this step's arms, and the analysis starts when their pods do
                // (Argo has no variable for a run's start time).
                arms: { baseline: '{{args.baseline-hash}}', canary: '{{args.canary-hash}}' },
                // The window's last look decides as the local platform's does (promote without a regression); the
                // judge's clock starts when the arms do, before Argo's run, so it decides before `count` runs out.
                analysis: { start: 'arms-created', canaryWeight: '{{args.canary-weight}}', minStepRequests: spec.rollout.minStepRequests, timeoutSeconds: timeoutMs / 1000 },
                policy: spec.rollout.judge ?? {},
              },
            },
          },
        },
      ],
    },
  };
}
