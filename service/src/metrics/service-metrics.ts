import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { SERVICE_METRICS as M, type InferenceOutcome } from '../../../contract/metrics.js';
import type { DriftWindow } from './drift.js';
import { FeedbackMetrics } from './feedback-metrics.js';
import { SeriesCounter, SeriesHistogram, type CounterSeries, type HistogramSeries } from './series.js';

/** The series a request touches for its model version. */
export interface ModelSeries {
  queue: HistogramSeries;
  compute: HistogramSeries;
  batch: HistogramSeries;
  outcome: Record<InferenceOutcome, CounterSeries>;
  /** Predicted rows of one class label (labels come from the manifest, or "unknown": bounded). */
  prediction(label: string): CounterSeries;
}

type ModelLabels = 'model' | 'version';

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const QUEUE_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5];
const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

/**
 * Every Prometheus metric of the service, on a registry of its own (so several apps can live in one test
 * process). Names come from `contract/metrics.ts`: dashboards, alerts and the canary judge query them. Label
 * values are bounded: only served model versions, route templates and status codes ever become labels.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly httpRequests = new SeriesCounter({ name: M.httpRequests, help: 'HTTP requests by method, route template and status code', labelNames: ['method', 'route', 'code'], registers: [this.registry] });
  readonly httpDuration = new SeriesHistogram({ name: M.httpDuration, help: 'HTTP request duration from first byte in to response out', labelNames: ['method', 'route', 'code'], buckets: LATENCY_BUCKETS, registers: [this.registry] });
  readonly httpInFlight = new Gauge({ name: M.httpInFlight, help: 'HTTP requests being served now', registers: [this.registry] });
  readonly inferenceRequests = new SeriesCounter({ name: M.inferenceRequests, help: 'Inference requests by outcome (success, client_error, server_error)', labelNames: ['model', 'version', 'outcome'], registers: [this.registry] });
  readonly inferenceDuration = new SeriesHistogram({ name: M.inferenceDuration, help: 'Model compute time of the batch each request ran in', labelNames: ['model', 'version'], buckets: LATENCY_BUCKETS, registers: [this.registry] });
  readonly queueDuration = new SeriesHistogram({ name: M.queueDuration, help: 'Time a request waited for a free inference worker (and for its batch to fill)', labelNames: ['model', 'version'], buckets: QUEUE_BUCKETS, registers: [this.registry] });
  readonly batchSize = new SeriesHistogram({ name: M.batchSize, help: 'Rows per executed batch', labelNames: ['model', 'version'], buckets: BATCH_BUCKETS, registers: [this.registry] });
  readonly predictions = new SeriesCounter({ name: M.predictions, help: 'Predicted rows by class label', labelNames: ['model', 'version', 'label'], registers: [this.registry] });
  readonly cacheRequests = new SeriesCounter({ name: M.cacheRequests, help: 'Prediction cache lookups by result (hit, miss)', labelNames: ['model', 'version', 'result'], registers: [this.registry] });
  readonly executionProvider = new Gauge({ name: M.executionProvider, help: 'The onnxruntime execution provider serving each model version (always 1)', labelNames: ['model', 'version', 'execution_provider'], registers: [this.registry] });
  readonly info = new Gauge({ name: M.modelInfo, help: 'Served model versions and the sha256 of their ONNX file (always 1)', labelNames: ['model', 'version', 'sha256'], registers: [this.registry] });
  readonly ready = new Gauge({ name: M.modelReady, help: '1 when the model version is loaded and warmed up, else 0', labelNames: ['model', 'version'], registers: [this.registry] });
  /** Ground truth: labelled predictions, confusion counts, label delay, reference accuracy. */
  readonly feedback = new FeedbackMetrics(this.registry);
  private readonly driftWindows = new Map<string, { model: string; version: string; window: DriftWindow }>();
  private readonly httpSeriesCache = new Map<string, { requests: CounterSeries; duration: HistogramSeries }>();
  private readonly modelSeriesCache = new Map<string, ModelSeries>();

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    const windows = this.driftWindows;
    new Gauge<ModelLabels | 'feature'>({
      name: M.inputDriftPsi,
      help: 'Population stability index of recent inputs (bounded window) against the training reference, per feature',
      labelNames: ['model', 'version', 'feature'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { model, version, window } of windows.values()) {
          for (const { feature, value } of window.psi()) this.set({ model, version, feature }, value);
        }
      },
    });
  }

  /** The HTTP series of one method, route template and status code (few distinct values: kept). */
  http(method: string, route: string, code: string): { requests: CounterSeries; duration: HistogramSeries } {
    const key = `${method} ${route} ${code}`;
    let series = this.httpSeriesCache.get(key);
    if (!series) {
      series = { requests: this.httpRequests.series({ method, route, code }), duration: this.httpDuration.series({ method, route, code }) };
      this.httpSeriesCache.set(key, series);
    }
    return series;
  }

  /** The per-request series of one served model version (kept: only served versions become labels). */
  model(model: string, version: string): ModelSeries {
    const key = `${model}\u0001${version}`;
    let series = this.modelSeriesCache.get(key);
    if (!series) {
      const labels = { model, version };
      const predictions = new Map<string, CounterSeries>();
      series = {
        queue: this.queueDuration.series(labels),
        compute: this.inferenceDuration.series(labels),
        batch: this.batchSize.series(labels),
        outcome: {
          success: this.inferenceRequests.series({ ...labels, outcome: 'success' }),
          client_error: this.inferenceRequests.series({ ...labels, outcome: 'client_error' }),
          server_error: this.inferenceRequests.series({ ...labels, outcome: 'server_error' }),
        },
        prediction: (label) => {
          let counter = predictions.get(label);
          if (!counter) predictions.set(label, (counter = this.predictions.series({ ...labels, label })));
          return counter;
        },
      };
      this.modelSeriesCache.set(key, series);
    }
    return series;
  }

  /** Publishes PSI of `window` for a model version at every scrape. */
  trackDrift(model: string, version: string, window: DriftWindow): void {
    this.driftWindows.set(`${model}:${version}`, { model, version, window });
  }

  /** The drift window of a model version, if it has a training reference. */
  driftWindow(model: string, version: string): DriftWindow | undefined {
    return this.driftWindows.get(`${model}:${version}`)?.window;
  }

  /** The text exposition format, for `/metrics`. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
