import { logEvent } from '../logging/events.js';
import type { Logger } from '../logging/logger.js';
import type { ModelManifest } from '../manifest.js';
import { DriftWindow } from '../metrics/drift.js';
import type { ServiceMetrics } from '../metrics/service-metrics.js';
import type { ModelRegistry } from '../models/model-registry.js';
import { signatureProblems } from '../models/signature-check.js';
import { DATATYPES } from '../protocol/datatypes.js';
import { elementCount, type TensorMap } from '../protocol/tensor.js';
import type { ModelRef } from '../repository/model-selection.js';
import { readModelVersion } from '../repository/read-version.js';
import { schedulingFor, type SchedulingOverrides } from '../runtime/batching-policy.js';
import { modelKey, type Executor } from '../runtime/executor.js';
import type { Scheduler } from '../runtime/scheduler.js';

/** Everything loading needs; passed in so the steps stay testable. */
export interface LoadContext {
  dir: string;
  registry: ModelRegistry;
  executor: Executor;
  scheduler: Scheduler;
  metrics: ServiceMetrics;
  logger: Logger;
  overrides: SchedulingOverrides;
  driftWindowRows: number;
  /** The provider the workers create sessions with (for `model_execution_provider_info`). */
  executionProvider?: string;
}

/**
 * Loads the selected versions one after another: verify sha256, create a session in every worker, check the
 * graph against the manifest, run a warm-up inference. A version that fails is logged and left out; the
 * others still serve. Resolves with whether every version is ready.
 */
export async function loadModels(context: LoadContext, refs: readonly ModelRef[]): Promise<boolean> {
  for (const ref of refs) await loadVersion(context, ref);
  return context.registry.allReady();
}

async function loadVersion(context: LoadContext, ref: ModelRef): Promise<void> {
  const { registry, metrics, logger } = context;
  const started = performance.now();
  metrics.ready.set({ model: ref.name, version: ref.version }, 0);
  const files = await readModelVersion(context.dir, ref);
  const refuse = (reason: string, manifest?: ModelManifest) => {
    registry.update({ ...ref, status: 'failed', reason, ...(manifest ? { manifest } : {}) });
    logEvent(logger, { kind: 'model_refused', model: ref.name, version: ref.version, reason });
  };
  if (!files.ok) return refuse(files.reason, files.manifest);
  const { manifest, bytes } = files;
  const key = modelKey(ref.name, ref.version);
  try {
    const graph = await context.executor.load(key, bytes);
    const problems = signatureProblems(manifest, graph);
    if (problems.length > 0) return refuse(`model.json does not describe model.onnx: ${problems.join('; ')}`, manifest);
    await context.executor.warmUp(key, warmUpFeeds(manifest));
  } catch (error) {
    return refuse(`onnxruntime could not load or run it: ${error instanceof Error ? error.message : String(error)}`, manifest);
  }
  const scheduling = schedulingFor(manifest, context.overrides);
  context.scheduler.addModel({ key, maxQueueSize: scheduling.maxQueueSize, ...(scheduling.batching ? { batching: scheduling.batching } : {}) });
  if (manifest.reference && manifest.features.length > 0) {
    metrics.trackDrift(ref.name, ref.version, new DriftWindow(manifest.features, manifest.reference.features, context.driftWindowRows));
  }
  registry.update({ ...ref, status: 'ready', manifest });
  metrics.info.set({ model: ref.name, version: ref.version, sha256: manifest.sha256.toLowerCase() }, 1);
  metrics.executionProvider.set({ model: ref.name, version: ref.version, execution_provider: context.executionProvider ?? 'cpu' }, 1);
  metrics.ready.set({ model: ref.name, version: ref.version }, 1);
  metrics.feedback.reference(ref.name, ref.version, manifest.metrics?.accuracy);
  logEvent(logger, {
    kind: 'model_loaded', model: ref.name, version: ref.version, sha256: manifest.sha256,
    durationMs: Math.round(performance.now() - started), batching: scheduling.description,
  });
}

/** One row of zeros per input (dynamic dimensions as 1): proves the session runs before we say ready. */
function warmUpFeeds(manifest: ModelManifest): TensorMap {
  const feeds: TensorMap = {};
  for (const input of manifest.inputs) {
    const shape = input.shape.map((d) => (d < 0 ? 1 : d));
    const info = DATATYPES[input.datatype];
    if (!info) throw new Error(`input "${input.name}" has datatype ${input.datatype}, which this server cannot feed`);
    feeds[input.name] = { datatype: input.datatype, shape, data: info.allocate(elementCount(shape)) };
  }
  return feeds;
}
