/**
 * What the smoke test sends and how it judges the answer: three textbook penguins, one per species
 * (far from any decision boundary), through the Open Inference Protocol.
 */
import { PENGUIN_LABELS } from '../tools/penguins.js';

/** bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g, and the species each row is. */
const smokeRows: Array<{ features: [number, number, number, number]; species: (typeof PENGUIN_LABELS)[number] }> = [
  { features: [39.1, 18.7, 181, 3750], species: 'Adelie' },
  { features: [49.5, 19.0, 200, 3800], species: 'Chinstrap' },
  { features: [47.3, 13.8, 216, 4725], species: 'Gentoo' },
];

/** The OIP inference request body for the smoke rows. */
export function smokeRequest(): unknown {
  return {
    id: 'keelson-smoke',
    inputs: [{ name: 'features', datatype: 'FP32', shape: [smokeRows.length, 4], data: smokeRows.flatMap((r) => r.features) }],
  };
}

interface OipOutput {
  name?: unknown;
  datatype?: unknown;
  shape?: unknown;
  data?: unknown;
}

/**
 * Checks an OIP inference response for the smoke rows; returns the problems found (empty: good).
 * Each problem names the field, what came back and what was expected.
 */
export function checkSmokeResponse(status: number, body: unknown): string[] {
  return [...checkSmokeShape(status, body), ...smokeLabelMismatches(body)];
}

/** The serving contract only: status, tensors, datatypes, shapes, probabilities summing to 1 (not which label wins). */
export function checkSmokeShape(status: number, body: unknown): string[] {
  if (status !== 200) return [`status ${status}, expected 200 (body: ${JSON.stringify(body).slice(0, 300)})`];
  const outputs = (body as { outputs?: unknown })?.outputs;
  if (!Array.isArray(outputs)) return [`'outputs' is ${JSON.stringify(outputs)}, expected an array of tensors`];
  const byName = new Map((outputs as OipOutput[]).map((o) => [o.name, o]));
  const problems: string[] = [];
  const n = smokeRows.length;

  const probabilities = byName.get('probabilities');
  if (!probabilities) problems.push(`no 'probabilities' output (got: ${[...byName.keys()].join(', ')})`);
  else {
    problems.push(...checkTensor('probabilities', probabilities, 'FP32', [n, PENGUIN_LABELS.length]));
    const data = probabilities.data as number[];
    for (let row = 0; Array.isArray(data) && row < n; row++) {
      const sum = data.slice(row * 3, row * 3 + 3).reduce((a, b) => a + b, 0);
      if (Math.abs(sum - 1) > 1e-3) problems.push(`'probabilities' row ${row} sums to ${sum}, expected 1`);
    }
  }

  const label = byName.get('label');
  if (!label) problems.push(`no 'label' output (got: ${[...byName.keys()].join(', ')})`);
  else problems.push(...checkTensor('label', label, 'INT64', [n]));
  return problems;
}

/** Rows whose predicted label is not the species of the smoke row (a wrong model, or a deliberately shifted one). */
export function smokeLabelMismatches(body: unknown): string[] {
  const outputs = (body as { outputs?: unknown })?.outputs;
  const label = Array.isArray(outputs) ? (outputs as OipOutput[]).find((o) => o.name === 'label') : undefined;
  if (!label || !Array.isArray(label.data)) return [];
  const data = label.data as unknown[];
  return smokeRows.flatMap((row, i) => {
    const got = PENGUIN_LABELS[Number(data[i])] ?? `class index ${String(data[i])}`;
    return got === row.species ? [] : [`'label' row ${i} is ${got}, expected ${row.species} for ${row.features.join(', ')}`];
  });
}

function checkTensor(name: string, tensor: OipOutput, datatype: string, shape: number[]): string[] {
  const problems: string[] = [];
  if (tensor.datatype !== datatype) problems.push(`'${name}' datatype is ${String(tensor.datatype)}, expected ${datatype}`);
  if (JSON.stringify(tensor.shape) !== JSON.stringify(shape)) {
    problems.push(`'${name}' shape is ${JSON.stringify(tensor.shape)}, expected ${JSON.stringify(shape)}`);
  }
  const size = shape.reduce((a, b) => a * b, 1);
  if (!Array.isArray(tensor.data) || tensor.data.length !== size) {
    problems.push(`'${name}' data has ${Array.isArray(tensor.data) ? tensor.data.length : 'no'} values, expected ${size}`);
  }
  return problems;
}

/** The argv to `exec` for an image's HEALTHCHECK test (`["CMD", ...]` or `["CMD-SHELL", "..."]`). */
export function healthcheckArgv(test: string[] | undefined): string[] | undefined {
  if (!test || test.length === 0) return undefined;
  const [form, ...rest] = test;
  if (form === 'CMD') return rest;
  if (form === 'CMD-SHELL') return ['/bin/sh', '-c', rest.join(' ')];
  return undefined;
}
