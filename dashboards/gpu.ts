/** GPU: NVIDIA DCGM exporter metrics per node (label Hostname) and per pod. */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { DCGM_METRICS as D } from './external-metrics.js';
import { addRows, keelsonDashboard } from './layout.js';
import type { DashboardOptions } from './options.js';
import { query, timeseriesPanel, type PanelSlot } from './panels.js';
import { re, series, type Matcher } from './promql.js';
import { datasourceVariable, labelVariable } from './variables.js';

const GPU_MATCHERS: Matcher[] = [re('namespace', '$namespace'), re('Hostname', '$node'), re('pod', '$pod')];

interface GpuSignal {
  metric: string;
  name: string;
  unit: string;
  /** How several GPUs of one node or pod combine: utilisation and temperature average/peak, memory and power add up. */
  aggregate: 'avg' | 'max' | 'sum';
  description: string;
  thresholds?: { value: number; color: string }[];
}

const SIGNALS: GpuSignal[] = [
  { metric: D.gpuUtil, name: 'GPU utilisation', unit: 'percent', aggregate: 'avg', description: 'Percent of time a kernel was running (DCGM_FI_DEV_GPU_UTIL), averaged over the GPUs.' },
  { metric: D.memoryUsed, name: 'GPU memory used', unit: 'mbytes', aggregate: 'sum', description: 'Frame-buffer memory in use (DCGM_FI_DEV_FB_USED, MiB), summed over the GPUs.' },
  {
    metric: D.temperature,
    name: 'GPU temperature',
    unit: 'celsius',
    aggregate: 'max',
    description: 'Hottest GPU (DCGM_FI_DEV_GPU_TEMP). Data-centre GPUs throttle in the high 80s °C.',
    thresholds: [
      { value: 80, color: 'yellow' },
      { value: 87, color: 'red' },
    ],
  },
  { metric: D.powerUsage, name: 'GPU power draw', unit: 'watt', aggregate: 'sum', description: 'Power draw (DCGM_FI_DEV_POWER_USAGE, W), summed over the GPUs.' },
];

/** Builds the "keelson / GPU" dashboard. */
export function gpuDashboard(_options: DashboardOptions): Dashboard {
  const builder = keelsonDashboard(
    'keelson-gpu',
    'keelson / GPU',
    'NVIDIA DCGM exporter metrics of the GPU node pool: utilisation, memory, temperature and power per node and per pod.',
  ).variables([
    datasourceVariable(),
    labelVariable('namespace', 'Namespace', D.gpuUtil),
    labelVariable('node', 'Node', `${D.gpuUtil}{namespace=~"$namespace"}`, 'Hostname'),
    labelVariable('pod', 'Pod', `${D.gpuUtil}{namespace=~"$namespace", Hostname=~"$node"}`),
  ]);
  return addRows(builder, [
    { title: 'Per node', panels: SIGNALS.map((s) => signalPanel(s, ['Hostname'], '{{Hostname}}')) },
    { title: 'Per pod', panels: SIGNALS.map((s) => signalPanel(s, ['namespace', 'pod'], '{{namespace}}/{{pod}}')) },
    {
      title: 'Memory saturation',
      panels: [
        timeseriesPanel({
          title: 'GPU memory in use (fraction) per GPU',
          description: 'FB_USED / (FB_USED + FB_FREE) for each GPU. Above 0.9 for 10 minutes raises KeelsonGpuMemorySaturated.',
          queries: [
            query(
              `max by (Hostname, gpu, pod) (${series(D.memoryUsed, GPU_MATCHERS)} / (${series(D.memoryUsed, GPU_MATCHERS)} + ${series(D.memoryFree, GPU_MATCHERS)}))`,
              '{{Hostname}} gpu {{gpu}} {{pod}}',
            ),
          ],
          unit: 'percentunit',
          min: 0,
          max: 1,
          thresholds: [{ value: 0.9, color: 'red' }],
          width: 24,
        }),
      ],
    },
  ]).build();
}

function signalPanel(signal: GpuSignal, by: string[], legend: string): PanelSlot {
  const where = by.includes('pod') ? 'pod' : 'node';
  return timeseriesPanel({
    title: `${signal.name} per ${where}`,
    description: signal.description,
    queries: [query(`${signal.aggregate} by (${by.join(', ')}) (${series(signal.metric, GPU_MATCHERS)})`, legend)],
    unit: signal.unit,
    min: 0,
    thresholds: signal.thresholds,
    width: 6,
  });
}
