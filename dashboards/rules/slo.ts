/**
 * Multi-window, multi-burn-rate SLO alerts (Google SRE workbook, "Alerting on SLOs", table 5-8): page when
 * the error budget burns 14.4x too fast over 1h (confirmed over 5m) or 6x over 6h (30m); open a ticket at
 * 3x over 1d (2h) or 1x over 3d (6h). Error ratios per window are recorded once and shared by the alerts.
 */
import { SERVICE_METRICS as M } from '../../contract/metrics.js';
import type { RuleOptions } from '../options.js';
import { leMatcher, rate, re, share, sumBy, type Matcher } from '../promql.js';
import { formatPercent, runbookUrl, type AlertingRule, type RecordingRule, type RuleGroup, type Severity } from './types.js';

interface WindowPair {
  long: string;
  short: string;
  burnRate: number;
}

/** The workbook's recommended pairs: how fast the budget burns, over which windows, and who is told. */
const BURN_RATE_ALERTS: { speed: 'Fast' | 'Slow'; severity: Severity; pairs: WindowPair[] }[] = [
  {
    speed: 'Fast',
    severity: 'critical',
    pairs: [
      { long: '1h', short: '5m', burnRate: 14.4 },
      { long: '6h', short: '30m', burnRate: 6 },
    ],
  },
  {
    speed: 'Slow',
    severity: 'warning',
    pairs: [
      { long: '1d', short: '2h', burnRate: 3 },
      { long: '3d', short: '6h', burnRate: 1 },
    ],
  },
];

const WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'];

/** One service level indicator: the ratio of bad events in a window. */
interface Sli {
  name: 'Availability' | 'Latency';
  /** Recorded series for window `w` is `${record}${w}`. */
  record: string;
  target: number;
  badRatio(window: string): string;
  what: string;
}

/** Recorded SLI series names, by window, e.g. `keelson:slo_availability_errors:ratio_rate5m`. */
const SLO_RECORDS = {
  availability: 'keelson:slo_availability_errors:ratio_rate',
  latency: 'keelson:slo_latency_slow:ratio_rate',
} as const;

/** One group per SLI: its error ratios over every window, then its fast- and slow-burn alerts. */
export function sloRuleGroups(options: RuleOptions): RuleGroup[] {
  const infer: Matcher[] = [re('route', options.inferRouteRegex)];
  const by = options.sloGroupBy;
  const slis: Sli[] = [
    {
      name: 'Availability',
      record: SLO_RECORDS.availability,
      target: options.availabilityTarget,
      badRatio: (w) => share(rate(M.httpRequests, [...infer, re('code', '5..')], w), rate(M.httpRequests, infer, w), by),
      what: 'inference requests answered 5xx',
    },
    {
      name: 'Latency',
      record: SLO_RECORDS.latency,
      target: options.latencyTarget,
      badRatio: (w) =>
        `1 - (${sumBy(by, rate(`${M.httpDuration}_bucket`, [...infer, leMatcher(options.latencyThresholdSeconds)], w))} / ${sumBy(by, rate(`${M.httpDuration}_count`, infer, w))})`,
      what: `inference requests slower than ${options.latencyThresholdSeconds}s`,
    },
  ];
  // Recordings and the alerts reading them share a group: rules in a group run in order, so an alert
  // always sees this evaluation's ratios, never the previous one's.
  return slis.map((sli) => ({
    name: `keelson-slo-${sli.name.toLowerCase()}`,
    rules: [...WINDOWS.map((w) => recording(sli, w)), ...BURN_RATE_ALERTS.map((a) => burnAlert(sli, a, options))],
  }));
}

function recording(sli: Sli, window: string): RecordingRule {
  return { record: `${sli.record}${window}`, expr: sli.badRatio(window), labels: { slo: sli.name.toLowerCase() } };
}

function burnAlert(sli: Sli, spec: (typeof BURN_RATE_ALERTS)[number], options: RuleOptions): AlertingRule {
  const alert = `Keelson${sli.name}BudgetBurn${spec.speed}`;
  const budget = `(1 - ${sli.target})`;
  const expr = spec.pairs
    .map((p) => `(${sli.record}${p.long} > (${p.burnRate} * ${budget}) and ${sli.record}${p.short} > (${p.burnRate} * ${budget}))`)
    .join('\nor\n');
  const windows = spec.pairs.map((p) => `${p.burnRate}x over ${p.long} and ${p.short}`).join(', or ');
  const budgetText = formatPercent(1 - sli.target);
  return {
    alert,
    expr,
    labels: { severity: spec.severity, slo: sli.name.toLowerCase() },
    annotations: {
      summary: `${sli.name} SLO error budget burning ${spec.speed === 'Fast' ? 'fast' : 'steadily'} for {{ $labels.namespace }}/{{ $labels.job }}`,
      description: `{{ $value | humanizePercentage }} of ${sli.what} (long window); the SLO allows ${budgetText}. Fires at ${windows}.`,
      runbook_url: runbookUrl(options.runbookBaseUrl, alert),
    },
  };
}
