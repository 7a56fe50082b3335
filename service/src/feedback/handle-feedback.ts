/**
 * Ground truth for earlier predictions: checks a label against the held prediction (or predicts inline
 * features now), counts it (`model_feedback_total`, confusion, delay) and records it (ECS log event, file log).
 */
import { badRequest, conflict, describeValue, gone, notFound, unavailable } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { ServiceMetrics } from '../metrics/service-metrics.js';
import type { ModelRegistry, ModelVersion, ReadyModel } from '../models/model-registry.js';
import { parseInferRequest } from '../protocol/v2-infer.js';
import type { Inference } from '../runtime/inference-engine.js';
import type { FeedbackRecord } from './feedback-log.js';
import { parseFeedbackRequest, type FeedbackById, type FeedbackInline } from './feedback-request.js';
import { heldClass, heldFeatures, heldRows, MAX_ROWS_HELD } from './prediction-store.js';
import type { Feedback } from './remember.js';

/** What feedback handling needs of the app (the same objects as the HTTP app's dependencies). */
interface Deps {
  models: ModelRegistry;
  metrics: ServiceMetrics;
  logger: Logger;
  inference: Inference;
  feedback: Feedback;
}

/** The answer to one feedback request. */
export type FeedbackAnswer =
  | { model_name: string; model_version: string; request_id: string; row: number; predicted: string; truth: string; outcome: 'correct' | 'incorrect' }
  | { model_name: string; model_version: string; rows: number; correct: number; predicted: string[] };

/** Handles a parsed JSON body sent to the feedback route of model `name` (and `version`, when the path pins one). */
export async function handleFeedback(deps: Deps, name: string, version: string | undefined, body: unknown, maxElements: number): Promise<FeedbackAnswer> {
  const addressed = deps.models.find(name, version);
  const request = parseFeedbackRequest(body, labelsOf(addressed));
  return request.kind === 'by_id' ? byId(deps, request, name, version) : inline(deps, deps.models.findReady(name, version), request, maxElements);
}

function byId(deps: Deps, request: FeedbackById, name: string, version: string | undefined): FeedbackAnswer {
  const { store } = deps.feedback;
  const found = store.lookup(request.requestId);
  const id = describeValue(request.requestId);
  if (found.kind === 'unknown') {
    throw notFound(`request_id ${id}: no prediction held for it; it is unknown, was forgotten (older than twice --feedback-ttl ${store.ttlMs / 1000}s) or was evicted by --feedback-capacity ${store.capacity}`);
  }
  if (found.kind === 'expired') {
    throw gone(`request_id ${id}: its prediction is ${Math.round(found.ageMs / 1000)}s old; labels are taken for ${store.ttlMs / 1000}s (--feedback-ttl)`);
  }
  const { entry } = found;
  if (entry.model !== name || (version !== undefined && entry.version !== version)) {
    throw notFound(`request_id ${id}: it was a prediction of ${entry.model} version ${entry.version}, not of ${name}${version === undefined ? '' : ` version ${version}`}`);
  }
  const predictedClass = heldClass(entry, request.row);
  if (predictedClass === undefined) {
    const rows = heldRows(entry);
    throw notFound(`row: ${request.row} is not held for request_id ${id} (rows 0 to ${rows - 1} are${rows === MAX_ROWS_HELD ? `; only the first ${MAX_ROWS_HELD} rows of a request are held` : ''})`);
  }
  const bit = 1 << request.row;
  if (entry.labelled & bit) throw conflict(`request_id ${id} row ${request.row}: already labelled; a prediction takes one label`);
  const labels = labelsOf(deps.models.find(entry.model, entry.version));
  if (!labels.includes(request.truth)) throw badRequest(`truth: expected one of ${labels.join(', ')} (the labels of version ${entry.version}), got ${describeValue(request.truth)}`);
  entry.labelled |= bit;
  const predicted = labels[predictedClass] ?? 'unknown';
  deps.metrics.feedback.delay.observe({ model: entry.model, version: entry.version }, Math.max(0, Date.now() - entry.at) / 1000);
  const features = heldFeatures(entry, request.row);
  const record = count(deps, {
    model: entry.model, version: entry.version, request_id: request.requestId, row: request.row,
    ...(features ? { features } : {}), predicted, truth: request.truth,
  });
  return { model_name: entry.model, model_version: entry.version, request_id: request.requestId, row: request.row, predicted, truth: request.truth, outcome: record.outcome };
}

async function inline(deps: Deps, model: ReadyModel, request: FeedbackInline, maxElements: number): Promise<FeedbackAnswer> {
  const labels = labelsOf(model);
  const { inputs } = parseInferRequest(request.request, { name: model.name, version: model.version, inputs: model.manifest.inputs, outputs: model.manifest.outputs }, maxElements);
  const first = inputs[model.manifest.inputs[0]!.name]!;
  const width = first.shape.length === 2 ? first.shape[1]! : 0;
  const rowsOf = width > 0 ? Array.from(first.data as ArrayLike<number>, Number) : []; // copied: the buffers move to a worker
  const outputs = await deps.inference.infer(model, inputs);
  const classes = outputs[model.manifest.labelOutput!]!.data as ArrayLike<number | bigint>;
  if (classes.length !== request.truth.length) {
    throw badRequest(`truth: expected ${classes.length} label${classes.length === 1 ? '' : 's'} (one per row of inputs), got ${request.truth.length}`);
  }
  const predicted = Array.from(classes, (c) => labels[Number(c)] ?? 'unknown');
  let correct = 0;
  predicted.forEach((p, row) => {
    const features = width > 0 ? rowsOf.slice(row * width, (row + 1) * width) : undefined;
    const record = count(deps, { model: model.name, version: model.version, row, ...(features ? { features } : {}), predicted: p, truth: request.truth[row]! });
    if (record.outcome === 'correct') correct++;
  });
  return { model_name: model.name, model_version: model.version, rows: predicted.length, correct, predicted };
}

/** Metrics, the ECS event and the file log of one labelled row. */
function count(deps: Deps, row: Omit<FeedbackRecord, 'time' | 'outcome'>): FeedbackRecord {
  const outcome = deps.metrics.feedback.labelled(row.model, row.version, row.truth, row.predicted);
  const record: FeedbackRecord = { time: new Date().toISOString(), ...row, outcome };
  deps.logger.info(
    { event: { kind: 'event', action: 'feedback', category: ['web'], outcome: outcome === 'correct' ? 'success' : 'failure' }, http: { request: { id: row.request_id } }, keelson: { model: { name: row.model, version: row.version }, feedback: { row: row.row, predicted: row.predicted, truth: row.truth, outcome } } },
    `feedback for ${row.model}:${row.version}: predicted ${row.predicted}, truth ${row.truth} (${outcome})`,
  );
  deps.feedback.log?.write([record]);
  return record;
}

/** The class labels of a classifier version; feedback makes no sense for other models. */
function labelsOf(model: ModelVersion): readonly string[] {
  if (!model.manifest) throw unavailable(`model "${model.name}" version ${model.version} is not loaded yet; retry shortly`);
  const { labels, labelOutput } = model.manifest;
  if (!labels || labels.length === 0 || !labelOutput) {
    throw badRequest(`model "${model.name}" version ${model.version} declares no class labels (labels, labelOutput in model.json); feedback needs a classifier`);
  }
  return labels;
}
