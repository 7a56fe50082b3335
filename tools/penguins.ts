/** The Palmer penguins table (vega-datasets): what the sample models learn from and what `keelson traffic` sends. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Feature names in input-column order (the `features` tensor's second dimension). */
export const PENGUIN_FEATURES = ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'] as const;

/** Class labels by class index (the `label` output indexes this list). */
export const PENGUIN_LABELS = ['Adelie', 'Chinstrap', 'Gentoo'] as const;

/** One penguin with complete measurements. `sex` is 1 for male, 0 for female, null when unrecorded. */
export interface Penguin {
  features: number[];
  label: number;
  sex: number | null;
}

/** Column names in vega-datasets' `penguins.json`, in `PENGUIN_FEATURES` order. */
const SOURCE_COLUMNS = ['Beak Length (mm)', 'Beak Depth (mm)', 'Flipper Length (mm)', 'Body Mass (g)'];

/** Path of the Palmer penguins table shipped in the `vega-datasets` package. */
function penguinsJsonPath(): string {
  // The package's `exports` map hides `data/`, so locate it beside the resolved entry point (`build/index.js`).
  const entry = createRequire(import.meta.url).resolve('vega-datasets');
  return join(dirname(entry), '..', 'data', 'penguins.json');
}

/**
 * Loads the 344 Palmer penguins and drops rows missing a species or any of the four measurements
 * (2 rows), leaving 342. A missing `Sex` does not drop the row: only the 5-input version 5 uses it.
 */
export function loadPenguins(path = penguinsJsonPath()): Penguin[] {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  if (!Array.isArray(raw)) throw new Error(`${path}: expected a JSON array of penguins, got ${typeof raw}`);
  const rows: Penguin[] = [];
  for (const record of raw as Record<string, unknown>[]) {
    const label = PENGUIN_LABELS.indexOf(record.Species as (typeof PENGUIN_LABELS)[number]);
    const features = SOURCE_COLUMNS.map((column) => record[column]);
    if (label < 0 || !features.every((v): v is number => typeof v === 'number' && Number.isFinite(v))) continue;
    const sex = record.Sex === 'MALE' ? 1 : record.Sex === 'FEMALE' ? 0 : null;
    rows.push({ features, label, sex });
  }
  return rows;
}
