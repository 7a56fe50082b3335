/** Alerts on what the models run on: GPU memory. */
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

