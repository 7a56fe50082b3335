/**
 * `keelson models retrain`: train a penguins candidate on the original training split plus labelled production
 * rows, measure it and the live version on the held-out split and on the recent labelled traffic, and write it as
 * a new version only when the gate accepts it. Nothing is written otherwise.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelManifest } from '../service/src/manifest.js';
import { isValidVersionName, NAME_RULE } from '../service/src/repository/names.js';
import { PENGUIN_FEATURES, PENGUIN_LABELS } from '../tools/penguins.js';
import { accuracy } from '../tools/samples/classifier.js';
import { buildClassifierOnnx, CLASSIFIER_IO } from '../tools/samples/onnx/classifier-onnx.js';
import { TRAINING, type Dataset } from '../tools/samples/penguin-models.js';
import { classifierManifest } from '../tools/samples/sample-manifest.js';
import { trainClassifier } from '../tools/samples/train.js';
import { MIN_LABELLED_ROWS, retrainDatasets, type RetrainDatasets } from './datasets.js';
import { RetrainInputError } from './errors.js';
import { onnxAccuracy } from './evaluate.js';
import { judgeCandidate, type GateVerdict, type Scores } from './gate.js';
import { readDataFile, readFeedbackLog, type LabelledFile, type LabelledInput } from './labelled-rows.js';
import { liveVersion, nextVersion, versionsOf } from './live-version.js';

export interface RetrainRequest {
  modelsDir: string;
  name: string;
  /** CSV or NDJSON files of features and truth (`--data`), read before the feedback log. */
  dataFiles: readonly string[];
  /** `--feedback-log DIR`: the service's labelled rows. */
  feedbackLog?: string;
  /** Version to write; the next integer version when absent. */
  as?: string;
  /** The live version to beat; the highest usable version when absent. */
  live?: string;
  /** The sha256 the deploy spec pins for the live version: the files compared against must be the ones running. */
  liveSha256?: string;
  tolerance: number;
  onProgress?: (line: string) => void;
}

/** Where a retrained version came from; written into its model.json as `lineage`. */
export interface RetrainLineage {
  tool: 'keelson models retrain';
  parent: { name: string; version: string; sha256: string };
  recipe: string;
  data: { original: { source: string; rows: number; sha256: string }; files: LabelledFile[] };
  rows: RetrainDatasets['counts'];
}

/** model.json of a retrained version: the sample manifest plus its lineage and the gate's comparison. */
export type RetrainedManifest = ModelManifest & { lineage: RetrainLineage; gate: { tolerance: number; live: Scores; candidate: Scores } };

export type RetrainOutcome = { live: string; candidate: string; verdict: GateVerdict; rows: RetrainDatasets['counts'] } & (
  | { kind: 'written'; dir: string; manifest: RetrainedManifest }
  | { kind: 'refused' }
);

const RECIPE = `MLP 4-${TRAINING.mlp.hidden.join('-')}-3 (${TRAINING.mlp.activation}, ${TRAINING.mlp.optimizer}, ${TRAINING.mlp.epochs} epochs, lr ${TRAINING.mlp.learningRate}, seed ${TRAINING.mlp.seed}): version 2's plan`;

export async function retrainModel(request: RetrainRequest): Promise<RetrainOutcome> {
  const progress = request.onProgress ?? (() => {});
  const { modelsDir, name } = request;
  const live = await liveVersion(modelsDir, name, request.live, progress);
  if (request.liveSha256 !== undefined && request.liveSha256 !== live.manifest.sha256) {
    throw new RetrainInputError(`the deploy spec pins ${name}:${live.version} with sha256 ${request.liveSha256}, but ${join(modelsDir, name, live.version)} holds ${live.manifest.sha256}; point --models at the repository the spec runs from`);
  }
  const target = await targetVersion(request);
  const input = readLabelled(request);
  progress(`read ${input.rows.length} labelled rows from ${input.files.length} file(s); live version ${name}:${live.version}`);
  const data = retrainDatasets(input.rows);
  const { counts } = data;
  progress(`training the candidate (${RECIPE}) on ${data.train.rows.length} rows: ${counts.original} original + ${counts.labelledTrained} labelled (${counts.heldOutDuplicates} held-out duplicates left out, newest ${counts.traffic} kept for evaluation)`);
  const started = Date.now();
  const model = trainClassifier(data.train.rows, data.train.labels, PENGUIN_LABELS.length, TRAINING.mlp);
  progress(`trained in ${((Date.now() - started) / 1000).toFixed(1)} s; evaluating live and candidate in onnxruntime-node`);
  const description = `Retrained from ${name}:${live.version} on ${counts.original} original + ${counts.labelledTrained} labelled rows.`;
  const onnx = buildClassifierOnnx(model, { graphName: name, docString: description, inputName: CLASSIFIER_IO.input });
  const candidateIo = { input: CLASSIFIER_IO.input, labelOutput: CLASSIFIER_IO.label };
  const liveIo = { input: live.manifest.inputs[0]!.name, labelOutput: live.manifest.labelOutput! };
  const scores = async (bytes: Uint8Array, io: typeof liveIo): Promise<Scores> => ({
    heldOut: await onnxAccuracy(bytes, io, data.heldOut),
    traffic: await onnxAccuracy(bytes, io, data.traffic),
  });
  const verdict = judgeCandidate(await scores(live.bytes, liveIo), await scores(onnx, candidateIo), request.tolerance);
  const outcome = { live: live.version, candidate: target, verdict, rows: counts };
  if (verdict.kind === 'refused') return { ...outcome, kind: 'refused' };
  const manifest: RetrainedManifest = {
    ...classifierManifest({
      version: target,
      description,
      onnx,
      model,
      features: [...PENGUIN_FEATURES],
      inputName: CLASSIFIER_IO.input,
      train: data.train,
      metrics: { accuracy: verdict.candidate.heldOut, trainAccuracy: accuracy(model, data.train.rows, data.train.labels), trafficAccuracy: verdict.candidate.traffic },
    }),
    name,
    lineage: {
      tool: 'keelson models retrain',
      parent: { name, version: live.version, sha256: live.manifest.sha256 },
      recipe: RECIPE,
      data: { original: { source: `vega-datasets penguins.json, training split (seed ${TRAINING.splitSeed})`, rows: counts.original, sha256: datasetSha256(data, counts.original) }, files: input.files },
      rows: counts,
    },
    gate: { tolerance: verdict.tolerance, live: verdict.live, candidate: verdict.candidate },
  };
  const dir = await writeVersion(modelsDir, name, target, onnx, manifest);
  progress(`wrote ${dir}`);
  return { ...outcome, kind: 'written', dir, manifest };
}

function readLabelled(request: RetrainRequest): LabelledInput {
  if (request.dataFiles.length === 0 && request.feedbackLog === undefined) throw new RetrainInputError('no labelled rows: give --feedback-log DIR and/or --data FILE');
  const parts = [...request.dataFiles.map(readDataFile), ...(request.feedbackLog === undefined ? [] : [readFeedbackLog(request.feedbackLog, request.name)])];
  const input = { rows: parts.flatMap((p) => p.rows), files: parts.flatMap((p) => p.files) };
  if (input.rows.length < MIN_LABELLED_ROWS) {
    throw new RetrainInputError(`${input.rows.length} labelled rows of ${request.name} in ${input.files.map((f) => f.path).join(', ')}: at least ${MIN_LABELLED_ROWS} are needed to judge a candidate`);
  }
  return input;
}

async function targetVersion(request: RetrainRequest): Promise<string> {
  const target = request.as ?? (await nextVersion(request.modelsDir, request.name));
  if (!isValidVersionName(target)) throw new RetrainInputError(`--as ${JSON.stringify(target)}: a version name is ${NAME_RULE}`);
  if ((await versionsOf(request.modelsDir, request.name)).includes(target) || existsSync(join(request.modelsDir, request.name, target))) {
    throw new RetrainInputError(`--as ${target}: ${join(request.modelsDir, request.name, target)} already exists; pick a free version`);
  }
  return target;
}

/** sha256 of the original training rows and labels as JSON: names exactly what the candidate learned from the table. */
function datasetSha256(data: { train: Dataset }, originalRows: number): string {
  const rows = data.train.rows.slice(0, originalRows);
  const labels = data.train.labels.slice(0, originalRows);
  return createHash('sha256').update(JSON.stringify({ rows, labels })).digest('hex');
}

/** Staged in a hidden directory and renamed into place, so a reader never sees half a version. */
async function writeVersion(modelsDir: string, name: string, version: string, onnx: Uint8Array, manifest: RetrainedManifest): Promise<string> {
  const dir = join(modelsDir, name, version);
  const staging = join(modelsDir, name, `.${version}.partial-${process.pid}`);
  await mkdir(staging, { recursive: true });
  try {
    await writeFile(join(staging, 'model.onnx'), onnx);
    await writeFile(join(staging, 'model.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(staging, dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw new RetrainInputError(`cannot write ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return dir;
}
