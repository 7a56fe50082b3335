/** Alerts on what the models run on and how they are rolled out: GPU memory and stuck rollouts. */
import { ROLLOUT_WEIGHT_METRIC, VARIANT_LABEL } from '../../contract/metrics.js';
import { DCGM_METRICS as D } from '../external-metrics.js';
import type { RuleOptions } from '../options.js';
import { formatPercent, runbookUrl, type RuleGroup } from './types.js';

/** The `keelson-gpu-alerts` group. */
export function gpuRuleGroup(options: RuleOptions): RuleGroup {
  return {
    name: 'keelson-gpu-alerts',
    rules: [
      {
        alert: 'KeelsonGpuMemorySaturated',
        expr: `${D.memoryUsed} / (${D.memoryUsed} + ${D.memoryFree}) > ${options.gpuMemoryThreshold}`,
        for: options.gpuMemoryFor,
        labels: { severity: 'warning' },
        annotations: {
          summary: 'GPU {{ $labels.gpu }} on {{ $labels.Hostname }} has {{ $value | humanizePercentage }} of its memory in use',
          description: `Frame-buffer memory above ${formatPercent(options.gpuMemoryThreshold)} for ${options.gpuMemoryFor} (pod {{ $labels.namespace }}/{{ $labels.pod }}): the next allocation may fail with out-of-memory.`,
          runbook_url: runbookUrl(options.runbookBaseUrl, 'KeelsonGpuMemorySaturated'),
        },
      },
    ],
  };
}

/** The `keelson-rollout-alerts` group. */
export function rolloutRuleGroup(options: RuleOptions): RuleGroup {
  const weight = ROLLOUT_WEIGHT_METRIC;
  return {
    name: 'keelson-rollout-alerts',
    rules: [
      {
        alert: 'KeelsonRolloutStuck',
        expr: `max without (${VARIANT_LABEL}) (${weight} > 0 and ${weight} < 100)`,
        for: options.rolloutStuckAfter,
        labels: { severity: 'warning' },
        annotations: {
          summary: `Traffic has been split between variants for more than ${options.rolloutStuckAfter} on {{ $labels.instance }}`,
          description: `A variant has held a weight strictly between 0 and 100 (now {{ $value }}%) for ${options.rolloutStuckAfter}: a rollout is not finishing, or its process died with traffic split and nobody deciding.`,
          runbook_url: runbookUrl(options.runbookBaseUrl, 'KeelsonRolloutStuck'),
        },
      },
    ],
  };
}
