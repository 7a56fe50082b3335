import { INFER_ROUTE_TEMPLATES } from '../contract/routes.js';

/** A setting for dashboards or rules that cannot work, naming the field, the value and what was expected. */
export class DashboardConfigError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`'${field}' (${typeof value === 'number' ? String(value) : JSON.stringify(value)}) ${expected}`);
    this.name = 'DashboardConfigError';
  }
}

/** Settings of the generated Grafana dashboards. */
export interface DashboardOptions {
  /** Kibana base URL the log links open, e.g. `https://kibana.example.com`. */
  kibanaUrl: string;
  /** Kibana data view id to open Discover on; empty means Kibana's default data view. */
  kibanaDataView: string;
  /** Value of the ECS `service.name` field the service logs with (the default of the logs dashboard's `service` variable). */
  serviceName: string;
  /** Regular expression matching the `route` label of the inference routes. */
  inferRouteRegex: string;
}

/** Settings of the generated Prometheus rule groups. */
export interface RuleOptions {
  /** Availability SLO: fraction of inference requests that must not answer 5xx, e.g. 0.999. */
  availabilityTarget: number;
  /** Latency SLO: fraction of inference requests that must finish within `latencyThresholdSeconds`. */
  latencyTarget: number;
  /** Latency SLO threshold; must be a bucket boundary of `http_request_duration_seconds`. */
  latencyThresholdSeconds: number;
  /** Labels the SLO ratios are aggregated by (one SLO per combination). */
  sloGroupBy: string[];
  /** Regular expression matching the `route` label of the inference routes. */
  inferRouteRegex: string;
  /** How long `model_ready` must be 0 before paging. */
  modelNotReadyFor: string;
  /** Input drift PSI above which a feature has drifted (0.25 is the customary "significant shift"). */
  driftPsiThreshold: number;
  driftFor: string;
  /** Total-variation distance between today's and yesterday's predicted-class mix that counts as a shift. */
  predictionShiftThreshold: number;
  /** Predictions per second below which the mix comparison is too noisy to alert on. */
  predictionShiftMinRate: number;
  predictionShiftFor: string;
  /** How far (0..1) live accuracy from labelled feedback may fall below the held-out accuracy before alerting. */
  accuracyTolerance: number;
  /** Labelled rows the long (6h) window needs before live accuracy counts; the short (1h) window needs a fifth. */
  accuracyMinLabels: number;
  accuracyFor: string;
  /** Fraction of GPU frame-buffer memory in use that counts as saturated. */
  gpuMemoryThreshold: number;
  gpuMemoryFor: string;
  /** How long traffic may stay split between variants before the rollout counts as stuck. */
  rolloutStuckAfter: string;
  /** Where runbooks live: every alert links `<runbookBaseUrl>#runbook-<alertname in lower case>`. */
  runbookBaseUrl: string;
}

const inferRouteRegex = INFER_ROUTE_TEMPLATES.map(escapeRegex).join('|');

/** Defaults that work for the local platform and the sample models. */
export const DEFAULT_DASHBOARD_OPTIONS: DashboardOptions = {
  kibanaUrl: 'http://127.0.0.1:5601',
  kibanaDataView: '',
  serviceName: 'keelson',
  inferRouteRegex,
};

/** Defaults: 99.9% availability, 99% of requests under 250 ms, thresholds from docs/dashboards.md. */
export const DEFAULT_RULE_OPTIONS: RuleOptions = {
  availabilityTarget: 0.999,
  latencyTarget: 0.99,
  latencyThresholdSeconds: 0.25,
  sloGroupBy: ['namespace', 'job'],
  inferRouteRegex,
  modelNotReadyFor: '5m',
  driftPsiThreshold: 0.25,
  driftFor: '15m',
  predictionShiftThreshold: 0.15,
  predictionShiftMinRate: 0.05,
  predictionShiftFor: '30m',
  accuracyTolerance: 0.05,
  accuracyMinLabels: 100,
  accuracyFor: '15m',
  gpuMemoryThreshold: 0.9,
  gpuMemoryFor: '10m',
  rolloutStuckAfter: '1h',
  runbookBaseUrl: 'docs/runbooks.md',
};

/** Fills defaults and validates dashboard settings; throws {@link DashboardConfigError}. */
export function resolveDashboardOptions(partial: Partial<DashboardOptions> = {}): DashboardOptions {
  const options = { ...DEFAULT_DASHBOARD_OPTIONS, ...dropUndefined(partial) };
  requireHttpUrl('kibanaUrl', options.kibanaUrl);
  requirePattern('serviceName', options.serviceName, /^[\w.-]+$/, 'must be letters, digits, ".", "_" or "-"');
  requirePattern('kibanaDataView', options.kibanaDataView, /^[\w.-]*$/, 'must be a Kibana data view id');
  requireRegex('inferRouteRegex', options.inferRouteRegex);
  return { ...options, kibanaUrl: options.kibanaUrl.replace(/\/+$/, '') };
}

/** Fills defaults and validates rule settings; throws {@link DashboardConfigError}. */
export function resolveRuleOptions(partial: Partial<RuleOptions> = {}): RuleOptions {
  const options = { ...DEFAULT_RULE_OPTIONS, ...dropUndefined(partial) };
  for (const field of ['availabilityTarget', 'latencyTarget', 'gpuMemoryThreshold', 'predictionShiftThreshold', 'accuracyTolerance'] as const) {
    requireOpenUnitInterval(field, options[field]);
  }
  for (const field of ['latencyThresholdSeconds', 'driftPsiThreshold', 'predictionShiftMinRate', 'accuracyMinLabels'] as const) {
    if (!Number.isFinite(options[field]) || options[field] <= 0) {
      throw new DashboardConfigError(field, options[field], 'must be a number greater than 0');
    }
  }
  for (const field of ['modelNotReadyFor', 'driftFor', 'predictionShiftFor', 'accuracyFor', 'gpuMemoryFor', 'rolloutStuckAfter'] as const) {
    requirePattern(field, options[field], /^(\d+(ms|s|m|h|d|w|y))+$/, 'must be a Prometheus duration such as 90s, 15m or 1h30m');
  }
  if (options.sloGroupBy.length === 0 || options.sloGroupBy.some((l) => !/^[a-zA-Z_]\w*$/.test(l))) {
    throw new DashboardConfigError('sloGroupBy', options.sloGroupBy, 'must be one or more Prometheus label names');
  }
  requireRegex('inferRouteRegex', options.inferRouteRegex);
  if (options.runbookBaseUrl === '' || /[#\s]/.test(options.runbookBaseUrl)) {
    throw new DashboardConfigError('runbookBaseUrl', options.runbookBaseUrl, 'must be a URL or path without "#" or spaces');
  }
  return options;
}

function requireOpenUnitInterval(field: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0 || value >= 1) {
    throw new DashboardConfigError(field, value, 'must be a number between 0 and 1 (exclusive), e.g. 0.999');
  }
}

function requireHttpUrl(field: string, value: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.hash !== '' || url.search !== '') {
    throw new DashboardConfigError(field, value, 'must be an absolute http(s) URL without query or fragment, e.g. https://kibana.example.com');
  }
}

function requirePattern(field: string, value: string, pattern: RegExp, expected: string): void {
  if (typeof value !== 'string' || !pattern.test(value)) throw new DashboardConfigError(field, value, expected);
}

function requireRegex(field: string, value: string): void {
  try {
    new RegExp(value);
  } catch {
    throw new DashboardConfigError(field, value, 'must be a valid regular expression');
  }
  if (value.includes('"')) throw new DashboardConfigError(field, value, 'must not contain double quotes');
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function dropUndefined<T extends object>(partial: T): Partial<T> {
  return Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) as Partial<T>;
}
