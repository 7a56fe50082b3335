import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DECISIONS, type Decision } from '../../contract/decisions.js';
import { ROLLOUT_METRIC_HELP, ROLLOUT_VERDICT_METRIC, ROLLOUT_WEIGHT_METRIC, VARIANT_LABEL } from '../../contract/metrics.js';
import { VARIANTS, type Variant, type Weights } from '../../contract/variants.js';

type VariantLabel = typeof VARIANT_LABEL;

/** The router's own per-variant metrics, served on the router's `/metrics`. */
export interface RouterMetrics {
  registry: Registry;
  requests: Counter<VariantLabel | 'code'>;
  duration: Histogram<VariantLabel>;
  retries: Counter<VariantLabel>;
  upstreamFailures: Counter<VariantLabel | 'reason'>;
  inFlight: Gauge<VariantLabel>;
  weight: Gauge<VariantLabel>;
  verdict: Gauge<'rollout_id' | 'decision'>;
  /** Requests answered per variant since start (for min-request counting without parsing metrics). */
  answered: Record<Variant, number>;
  setWeights(weights: Weights): void;
  /** Marks a rollout's latest decision (the previous rollout's series are dropped when a new one starts). */
  setVerdict(rolloutId: string, decision: Decision): void;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Creates the router registry; the `keelson_rollout_*` names and the `variant` label come from the contract. */
export function createRouterMetrics(): RouterMetrics {
  const registry = new Registry();
  const requests = new Counter({
    name: 'keelson_router_requests_total',
    help: 'Requests answered by the router, by the variant that answered and the status code',
    labelNames: [VARIANT_LABEL, 'code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'keelson_router_request_duration_seconds',
    help: 'Time from request received to response finished, through the router, by variant',
    labelNames: [VARIANT_LABEL] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const retries = new Counter({
    name: 'keelson_router_retries_total',
    help: 'Requests retried on another instance after the connection to this variant failed',
    labelNames: [VARIANT_LABEL] as const,
    registers: [registry],
  });
  const upstreamFailures = new Counter({
    name: 'keelson_router_upstream_failures_total',
    help: 'Failed attempts to reach an instance, by variant and reason',
    labelNames: [VARIANT_LABEL, 'reason'] as const,
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: 'keelson_router_requests_in_flight',
    help: 'Requests being forwarded, by variant',
    labelNames: [VARIANT_LABEL] as const,
    registers: [registry],
  });
  const weight = new Gauge({
    name: ROLLOUT_WEIGHT_METRIC,
    help: ROLLOUT_METRIC_HELP[ROLLOUT_WEIGHT_METRIC],
    labelNames: [VARIANT_LABEL] as const,
    registers: [registry],
  });
  const verdict = new Gauge({
    name: ROLLOUT_VERDICT_METRIC,
    help: ROLLOUT_METRIC_HELP[ROLLOUT_VERDICT_METRIC],
    labelNames: ['rollout_id', 'decision'] as const,
    registers: [registry],
  });
  for (const v of VARIANTS) {
    inFlight.set({ variant: v }, 0);
    weight.set({ variant: v }, v === 'stable' ? 100 : 0);
  }
  let verdictFor = '';
  const answered: Record<Variant, number> = { stable: 0, baseline: 0, canary: 0 };
  return {
    registry,
    requests,
    duration,
    retries,
    upstreamFailures,
    inFlight,
    weight,
    verdict,
    answered,
    setWeights(weights) {
      for (const v of VARIANTS) weight.set({ variant: v }, weights[v]);
    },
    setVerdict(rolloutId, decision) {
      if (rolloutId !== verdictFor) verdict.reset();
      verdictFor = rolloutId;
      for (const d of DECISIONS) verdict.set({ rollout_id: rolloutId, decision: d }, d === decision ? 1 : 0);
    },
  };
}
