/** Policies about canary analysis: production Rollouts are judged, and a judge's template cannot promote on no data. */
import type { ResourceValidationPolicy } from '@pulumi/policy';
import { describe, ROLLOUT_TYPE, stackOfUrn, type Props } from './workloads.js';

const TEMPLATE_TYPES = ['kubernetes:argoproj.io/v1alpha1:AnalysisTemplate', 'kubernetes:argoproj.io/v1alpha1:ClusterAnalysisTemplate'];
/** Expression functions that turn a missing or unreadable result into a value a condition can accept. */
const MISSING_DATA_FALLBACKS = /\b(isNil|default)\s*\(/;

/** Template names a canary Rollout's steps and background analysis reference. */
function analysisTemplates(canary: Props): string[] {
  const names = (refs: Props[] | undefined) => (refs ?? []).map((t) => t.templateName).filter((n): n is string => typeof n === 'string' && n !== '');
  const fromSteps = (canary.steps ?? []).flatMap((step: Props) => [
    ...names(step.analysis?.templates),
    ...(step.experiment?.analyses ?? []).flatMap((a: Props) => names([a])),
  ]);
  return [...fromSteps, ...names(canary.analysis?.templates)];
}

/** In production, every Rollout is judged: a canary without analysis, or an experiment step without one, is refused. */
export const productionRolloutAnalysis: ResourceValidationPolicy = {
  name: 'keelson-production-rollout-analysis',
  description: 'In production, a Rollout shifts traffic only under analysis: its canary steps or background analysis reference an AnalysisTemplate, and every experiment step runs one.',
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    if (args.type !== ROLLOUT_TYPE) return;
    const environment = args.props.metadata?.labels?.['keelson.dev/environment'] ?? stackOfUrn(args.urn);
    if (environment !== 'production') return;
    const who = describe(args.type, args.props, args.name);
    const canary: Props | undefined = args.props.spec?.strategy?.canary;
    if (!canary) {
      report(`${who}: strategy ${JSON.stringify(Object.keys(args.props.spec?.strategy ?? {}))} in production: expected a canary strategy judged by an AnalysisTemplate`);
      return;
    }
    if (analysisTemplates(canary).length === 0) {
      report(`${who}: no step or background analysis references an AnalysisTemplate in production: expected an analysis or experiment step with templateName (e.g. keelson-judge)`);
    }
    (canary.steps ?? []).forEach((step: Props, i: number) => {
      if (step.experiment && (step.experiment.analyses ?? []).length === 0) {
        report(`${who}: steps[${i}].experiment has no analyses: expected one (an experiment without analysis passes when its duration ends)`);
      }
    });
  },
};

/**
 * A `web` metric must fail closed. Argo's evaluator: with no successCondition, any value the failureCondition does not
 * match (an empty answer, a missing field) is Successful; a successCondition using isNil/default accepts missing data;
 * `failureLimit: -1` never fails; a dry-run metric never counts. Each of those lets a canary be promoted without a verdict.
 */
export const analysisFailsClosed: ResourceValidationPolicy = {
  name: 'keelson-analysis-fails-closed',
  description: 'AnalysisTemplate web metrics set a successCondition that does not accept missing data, keep failureLimit ≥ 0 and are not dry runs.',
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    if (!TEMPLATE_TYPES.includes(args.type)) return;
    const who = describe(args.type, args.props, args.name);
    const dryRun = new Set((args.props.spec?.dryRun ?? []).map((d: Props) => d.metricName));
    for (const metric of (args.props.spec?.metrics ?? []) as Props[]) {
      if (!metric.provider?.web) continue;
      const name = `metric "${metric.name}"`;
      const success = metric.successCondition;
      if (typeof success !== 'string' || success.trim() === '') {
        report(`${who}: ${name} has no successCondition: expected one (without it every answer the failureCondition does not match, errors in the body and missing data included, counts as Successful)`);
      } else if (MISSING_DATA_FALLBACKS.test(success)) {
        report(`${who}: ${name} successCondition "${success}" falls back on missing data: expected a condition on the verdict itself, without isNil() or default()`);
      }
      if (metric.failureLimit === -1) report(`${who}: ${name} failureLimit = -1: expected 0 or more (-1 never fails the analysis)`);
      if (dryRun.has(metric.name) || dryRun.has('.*')) report(`${who}: ${name} is a dry run: expected its result to count`);
    }
  },
};
