/**
 * The three sets a retrain works with: what the candidate trains on (the samples' training split plus the older
 * labelled rows), the held-out split every penguins version was measured on, and the most recent labelled rows.
 */
import { loadPenguins } from '../tools/penguins.js';
import { TRAINING, type Dataset } from '../tools/samples/penguin-models.js';
import { stratifiedSplit } from '../tools/samples/split.js';
import type { LabelledRow } from './labelled-rows.js';

/** The newest quarter of the labelled rows is kept out of training and measures live and candidate on recent traffic. */
export const RECENT_FRACTION = 0.25;

/** Fewer labelled rows than this say too little about production to gate on. */
export const MIN_LABELLED_ROWS = 40;

export interface RetrainDatasets {
  train: Dataset;
  heldOut: Dataset;
  traffic: Dataset;
  counts: {
    original: number;
    labelled: number;
    /** Older labelled rows added to training. */
    labelledTrained: number;
    /** Older labelled rows left out of training because a held-out penguin has the same measurements (they would leak the held-out set). */
    heldOutDuplicates: number;
    traffic: number;
    heldOut: number;
  };
}

/** Splits the labelled rows (in the order they were labelled) and joins the older ones to the original training split. */
export function retrainDatasets(labelled: readonly LabelledRow[]): RetrainDatasets {
  const penguins = loadPenguins();
  const split = stratifiedSplit(penguins.map((p) => p.label), TRAINING.testFraction, TRAINING.splitSeed);
  const pick = (indices: number[]): Dataset => ({ rows: indices.map((i) => penguins[i]!.features), labels: indices.map((i) => penguins[i]!.label) });
  const [original, heldOut] = [pick(split.train), pick(split.test)];
  const recentCount = Math.max(1, Math.round(labelled.length * RECENT_FRACTION));
  const older = labelled.slice(0, labelled.length - recentCount);
  const recent = labelled.slice(labelled.length - recentCount);
  const heldOutKeys = new Set(heldOut.rows.map(float32Key));
  const trainable = older.filter((row) => !heldOutKeys.has(float32Key(row.features)));
  return {
    train: { rows: [...original.rows, ...trainable.map((r) => r.features)], labels: [...original.labels, ...trainable.map((r) => r.label)] },
    heldOut,
    traffic: { rows: recent.map((r) => r.features), labels: recent.map((r) => r.label) },
    counts: {
      original: original.rows.length,
      labelled: labelled.length,
      labelledTrained: trainable.length,
      heldOutDuplicates: older.length - trainable.length,
      traffic: recent.length,
      heldOut: heldOut.rows.length,
    },
  };
}

/** The service holds features as float32, so a logged 39.1 reads back as 39.099998…: compare at that precision. */
function float32Key(features: readonly number[]): string {
  return features.map((v) => Math.fround(v)).join(',');
}
