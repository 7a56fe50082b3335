/** The Argo Rollouts `Rollout` `keelson`: the service's pods and their canary steps, replacing the Deployment. Pure. */
import type { DeploySpec } from '../../contract/deploy-spec.js';
import { VARIANT_LABEL } from '../../contract/metrics.js';
import { APP_NAME, appLabels, variantName } from './labels.js';
import { podTemplate } from './pod.js';
import { ROUTE_NAME } from './traffic.js';
import { BASELINE_ARM, CANARY_ARM, JUDGE_TEMPLATE_NAME } from './judge-analysis.js';
import type { KubeObject } from './kube-object.js';
// The cluster canary takes the local platform's defaults for what the spec leaves out.
import { DEFAULT_ROLLOUT_POLICY } from '../../rollout/policy.js';

export const ROLLOUT_NAME = APP_NAME;
/** Registered name of the Gateway API traffic router plugin (`argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi`). */
export const GATEWAY_API_PLUGIN = 'argoproj-labs/gatewayAPI';

export interface RolloutInput {
  spec: DeploySpec;
  image: string;
  namespace: string;
  drainTimeoutMs: number;
  preStopSleepMs: number;
  logLevel: string;
  readyTimeoutMs?: number;
}

type Json = Record<string, unknown>;

/**
 * One pod template for every ReplicaSet: the Deployment's (probes, hardening, resources), without the `variant`
 * label, which `stableMetadata`/`canaryMetadata` add per ReplicaSet (Argo relabels pods in place on promotion).
 */
function rolloutPodTemplate(input: RolloutInput): Json {
  const template = podTemplate({
    variant: 'stable',
    image: input.image,
    model: input.spec.model,
    gpu: input.spec.service.gpu,
    ...(input.spec.service.executionProviders ? { executionProviders: input.spec.service.executionProviders } : {}),
    resources: input.spec.service.resources,
    drainTimeoutMs: input.drainTimeoutMs,
    preStopSleepMs: input.preStopSleepMs,
    logLevel: input.logLevel,
    serviceAccountName: APP_NAME,
  }) as unknown as { metadata: { labels: Record<string, string> }; spec: { topologySpreadConstraints: { labelSelector: unknown }[] } };
  const labels = Object.fromEntries(Object.entries(template.metadata.labels).filter(([key]) => key !== VARIANT_LABEL));
  const spread = template.spec.topologySpreadConstraints.map((c) => ({ ...c, labelSelector: { matchLabels: appLabels() } }));
  return { ...template, metadata: { labels }, spec: { ...template.spec, topologySpreadConstraints: spread } };
}

/** Replicas of an experiment arm: its share of the service's replicas, at least one pod. */
export function armReplicas(replicas: number, weight: number): number {
  return Math.max(1, Math.ceil((replicas * weight) / 100));
}

/**
 * One `experiment` step per traffic step, not `setWeight` + `analysis`: with setWeight the canary's fresh pods are
 * compared with stable pods that have run for days (warm caches, other nodes, a different load share), so age
 * and placement look like regressions or hide them. The experiment starts a baseline (the stable pod template)
 * and a canary at the same time, with the same replicas and the same traffic share, and the judge compares those
 * two only: the matched baseline of the local platform. Stable keeps 100 − 2 × weight.
 */
export function canarySteps(spec: DeploySpec): Json[] {
  return spec.rollout.steps.map((weight) => ({
    experiment: {
      templates: [
        { name: BASELINE_ARM, specRef: 'stable', weight, replicas: armReplicas(spec.service.replicas, weight), metadata: { labels: { [VARIANT_LABEL]: 'baseline' } } },
        { name: CANARY_ARM, specRef: 'canary', weight, replicas: armReplicas(spec.service.replicas, weight), metadata: { labels: { [VARIANT_LABEL]: 'canary' } } },
      ],
      analyses: [
        {
          name: 'judge',
          templateName: JUDGE_TEMPLATE_NAME,
          // The experiment ends when the judge's run does (no fixed duration): promote → next step.
          requiredForCompletion: true,
          args: [
            { name: 'baseline-hash', value: `{{templates.${BASELINE_ARM}.podTemplateHash}}` },
            { name: 'canary-hash', value: `{{templates.${CANARY_ARM}.podTemplateHash}}` },
            { name: 'canary-weight', value: String(weight) },
          ],
        },
      ],
    },
  }));
}

/** The Rollout object. */
export function rolloutObject(input: RolloutInput, labels: Record<string, string>): KubeObject {
  const { spec } = input;
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: { name: ROLLOUT_NAME, namespace: input.namespace, labels },
    spec: {
      replicas: spec.service.replicas,
      selector: { matchLabels: appLabels() },
      template: rolloutPodTemplate(input),
      // An experiment whose pods are not available by then fails the step (and the Rollout aborts).
      progressDeadlineSeconds: Math.ceil((input.readyTimeoutMs ?? DEFAULT_ROLLOUT_POLICY.readyTimeoutMs) / 1000),
      progressDeadlineAbort: true,
      rollbackWindow: { revisions: spec.rollout.rollbackWindow ?? DEFAULT_ROLLOUT_POLICY.rollbackWindow },
      strategy: {
        canary: {
          stableService: variantName('stable'),
          canaryService: variantName('canary'),
          stableMetadata: { labels: { [VARIANT_LABEL]: 'stable' } },
          canaryMetadata: { labels: { [VARIANT_LABEL]: 'canary' } },
          trafficRouting: { plugins: { [GATEWAY_API_PLUGIN]: { httpRoute: ROUTE_NAME, namespace: input.namespace } } },
          steps: canarySteps(spec),
        },
      },
    },
  };
}
