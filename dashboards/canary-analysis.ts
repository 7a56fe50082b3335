/** Canary analysis: baseline and canary side by side while a rollout runs, with weights and verdicts. */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { prometheusAnnotation } from './annotations.js';
import { clusterCanaryPanels, verdictAnnotationExpr, verdictCodeQuery, VERDICT_COLORS, VERDICT_TEXT } from './canary-cluster.js';
import { DECISIONS } from '../contract/decisions.js';
import { JUDGE_VERDICT_METRIC, ROLLOUT_VERDICT_METRIC, ROLLOUT_WEIGHT_METRIC, SERVICE_METRICS as M, VARIANT_LABEL } from '../contract/metrics.js';
import { addRows, keelsonDashboard } from './layout.js';
import type { DashboardOptions } from './options.js';
import { barGaugePanel, query, stateTimelinePanel, timeseriesPanel, type PanelSlot } from './panels.js';
import { classShare, eq, maxBy, quantile, rate, re, series, share, sumBy, totalVariation, type Matcher } from './promql.js';
import { choiceVariable, datasourceVariable, MODEL_MATCHERS, modelVariables, NAMESPACE_MATCHER, RATE_WINDOW } from './variables.js';

const BASELINE = '$baseline';
const CANARY = 'canary';
const bothArms = re(VARIANT_LABEL, `${BASELINE}|${CANARY}`);
const byVariant = [VARIANT_LABEL];

/** Builds the "keelson / Canary analysis" dashboard. */
export function canaryAnalysisDashboard(options: DashboardOptions): Dashboard {
  const infer = [NAMESPACE_MATCHER, re('route', options.inferRouteRegex), bothArms];
  const model = [...MODEL_MATCHERS, bothArms];
  const builder = keelsonDashboard(
    'keelson-canary-analysis',
    'keelson / Canary analysis',
    'Baseline vs canary during a rollout: latency, errors and predicted-class mix per arm (label variant), traffic weights and verdicts; in the cluster also the Argo Rollout and its judge analysis.',
  )
    .variables([
      datasourceVariable(),
      ...modelVariables(),
      choiceVariable('baseline', 'Compare canary with', ['baseline', 'stable']).description(
        'The arm the canary is compared with: the fresh baseline started beside it (default), or the stable instances.',
      ),
    ])
    .annotations(
      DECISIONS.map((decision) =>
        prometheusAnnotation({
          name: `Rollout verdict: ${decision}`,
          expr: verdictAnnotationExpr(decision),
          iconColor: VERDICT_COLORS[decision],
          titleFormat: `${decision}: rollout {{rollout_id}}{{rollout}}`,
          textFormat: 'canary analysis verdict {{decision}} for rollout {{rollout_id}}{{rollout}}',
          tagKeys: 'rollout_id,rollout,decision',
        }),
      ),
    );
  return addRows(builder, [
    {
      title: 'Traffic weights and verdicts',
      panels: [
        timeseriesPanel({
          title: 'Traffic weight by variant',
          description: `Percent of inference traffic sent to each variant (${ROLLOUT_WEIGHT_METRIC}): from the router locally, from the judge (the weight Argo passes to each analysis) in the cluster.`,
          queries: [query(maxBy(byVariant, series(ROLLOUT_WEIGHT_METRIC, [NAMESPACE_MATCHER])), '{{variant}}')],
          unit: 'percent',
          min: 0,
          max: 100,
          width: 8,
        }),
        barGaugePanel({
          title: 'Current weights',
          description: 'The weights right now.',
          queries: [query(maxBy(byVariant, series(ROLLOUT_WEIGHT_METRIC, [NAMESPACE_MATCHER])), '{{variant}}')],
          unit: 'percent',
          min: 0,
          max: 100,
          width: 4,
        }),
        stateTimelinePanel({
          title: 'Verdicts',
          description: `Latest canary-analysis verdict of each rollout over time: ${ROLLOUT_VERDICT_METRIC} (rollout id) locally, ${JUDGE_VERDICT_METRIC} (model/canary pod hash) in the cluster.`,
          queries: [query(verdictCodeQuery(), '{{rollout_id}}{{rollout}}')],
          valueText: VERDICT_TEXT,
          width: 6,
        }),
        timeseriesPanel({
          title: 'Inference requests per second by variant',
          description: 'Traffic each arm actually receives; the judge needs enough requests in both.',
          queries: [query(sumBy(byVariant, rate(M.httpRequests, infer, RATE_WINDOW)), '{{variant}}')],
          unit: 'reqps',
          width: 6,
        }),
      ],
    },
    { title: 'Argo Rollouts and the judge (cluster)', panels: clusterCanaryPanels() },
    {
      title: 'Latency: baseline vs canary',
      panels: [
        ...[0.5, 0.95, 0.99].map((q) => latencyPanel(q, infer)),
        timeseriesPanel({
          title: 'Canary / baseline p95 latency',
          description: 'Above 1 the canary is slower. The judge rolls back when this is credibly above 1 + tolerance (default 1.1).',
          queries: [query(`${armQuantile(0.95, infer, CANARY)} / ignoring(${VARIANT_LABEL}) ${armQuantile(0.95, infer, BASELINE)}`, 'canary / baseline')],
          unit: 'none',
          thresholds: [{ value: 1.1, color: 'red' }],
          width: 24,
          height: 6,
        }),
      ],
    },
    {
      title: 'Errors: baseline vs canary',
      panels: [
        timeseriesPanel({
          title: '5xx ratio by variant',
          description: 'Share of inference-route responses with a 5xx status, per arm.',
          queries: [query(share(rate(M.httpRequests, [...infer, re('code', '5..')], RATE_WINDOW), rate(M.httpRequests, infer, RATE_WINDOW), byVariant), '{{variant}}')],
          unit: 'percentunit',
          min: 0,
          width: 12,
        }),
        timeseriesPanel({
          title: 'Inference error ratio by variant (client and server errors)',
          description: 'Share of inference requests with outcome client_error or server_error, per arm. An incompatible canary shows up here as client errors.',
          queries: [query(share(rate(M.inferenceRequests, [...model, re('outcome', '.+_error')], RATE_WINDOW), rate(M.inferenceRequests, model, RATE_WINDOW), byVariant), '{{variant}}')],
          unit: 'percentunit',
          min: 0,
          width: 12,
        }),
      ],
    },
    {
      title: 'Predictions: baseline vs canary',
      panels: [
        mixPanel('Predicted-class mix: baseline', BASELINE),
        mixPanel('Predicted-class mix: canary', CANARY),
        timeseriesPanel({
          title: 'Class-mix distance (total variation)',
          description: 'Half the sum of absolute differences between the arms\' class shares: 0 identical, 1 disjoint. The judge\'s default tolerance is 0.05.',
          queries: [query(totalVariation(armShares(CANARY), armShares(BASELINE), []), 'canary vs baseline')],
          unit: 'none',
          min: 0,
          thresholds: [{ value: 0.05, color: 'red' }],
          width: 8,
        }),
      ],
    },
  ]).build();
}

function armQuantile(q: number, infer: Matcher[], arm: string): string {
  return quantile(q, M.httpDuration, [...infer.filter((m) => m.label !== VARIANT_LABEL), eq(VARIANT_LABEL, arm)], byVariant, RATE_WINDOW);
}

function latencyPanel(q: number, infer: Matcher[]): PanelSlot {
  const name = `p${Math.round(q * 100)}`;
  return timeseriesPanel({
    title: `${name} latency by variant`,
    description: `${name} of inference-route latency (HTTP), baseline and canary on the same axes.`,
    queries: [query(quantile(q, M.httpDuration, infer, byVariant, RATE_WINDOW), '{{variant}}')],
    unit: 's',
    width: 8,
  });
}

function armShares(arm: string): string {
  return classShare(M.predictions, [...MODEL_MATCHERS, eq(VARIANT_LABEL, arm)], [], RATE_WINDOW);
}

function mixPanel(title: string, arm: string): PanelSlot {
  return timeseriesPanel({
    title,
    description: 'Share of each predicted class among this arm\'s predictions.',
    queries: [query(armShares(arm), '{{label}}')],
    unit: 'percentunit',
    stackPercent: true,
    width: 8,
  });
}
