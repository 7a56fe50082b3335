import { badRequest, describeValue } from '../errors.js';
import { decodeTensor } from './decode-tensor.js';
import { expectObject } from './expect.js';
import type { TensorMap } from './tensor.js';
import type { ModelSignature } from './v2-infer.js';

/** What KServe V1 needs beyond the signature: feature names for object instances, labels for answers. */
export interface V1Model extends ModelSignature {
  features: string[];
  labels?: string[];
  labelOutput?: string;
}

/**
 * Decodes a KServe V1 `{"instances": [...]}` body into the model's single input tensor. An instance is
 * either an array of numbers in feature order or an object keyed by the manifest's feature names.
 */
export function parseV1Request(body: unknown, model: V1Model, maxElements: number): TensorMap {
  const input = model.inputs[0];
  if (model.inputs.length !== 1 || !input || input.shape.length !== 2) {
    throw badRequest(`model "${model.name}" version ${model.version} takes ${model.inputs.length} input(s) of shape ${JSON.stringify(input?.shape ?? [])}; KServe V1 predict needs exactly one [rows, features] input, use the V2 infer endpoint`);
  }
  const request = expectObject(body, 'request body', 'an object with "instances"');
  const instances = request.instances;
  if (!Array.isArray(instances) || instances.length === 0) {
    throw badRequest(`instances: expected a non-empty array of rows (arrays of numbers or objects keyed by ${model.features.join(', ')}), got ${describeValue(instances)}`);
  }
  const width = input.shape[1]! >= 0 ? input.shape[1]! : model.features.length || rowWidth(instances[0]);
  if (instances.length * width > maxElements) {
    throw badRequest(`instances: ${instances.length} rows of ${width} values exceed the limit of ${maxElements} values per request`);
  }
  const flat: unknown[] = [];
  instances.forEach((instance, i) => {
    for (const value of instanceRow(instance, i, width, model)) flat.push(value);
  });
  const tensor = decodeTensor({ datatype: input.datatype, shape: [instances.length, width], data: flat }, input, 'instances', maxElements);
  return { [input.name]: tensor };
}

/** One prediction per row: the class label for classifiers, otherwise the first output's row. */
export function formatV1Predictions(model: V1Model, outputs: TensorMap): unknown[] {
  const labelTensor = model.labelOutput ? outputs[model.labelOutput] : undefined;
  if (labelTensor && model.labels) {
    return Array.from(labelTensor.data as ArrayLike<number | bigint>, (index) => model.labels![Number(index)] ?? Number(index));
  }
  const first = outputs[model.outputs[0]!.name]!;
  const rows = first.shape[0] ?? 1;
  const width = first.data.length / Math.max(rows, 1);
  const values = Array.from(first.data as ArrayLike<number | bigint>, (v) => (first.datatype === 'BOOL' ? v !== 0 : Number(v)));
  if (first.shape.length <= 1) return values;
  return Array.from({ length: rows }, (_, r) => values.slice(r * width, (r + 1) * width));
}

function rowWidth(instance: unknown): number {
  return Array.isArray(instance) ? instance.length : 0;
}

function instanceRow(instance: unknown, i: number, width: number, model: V1Model): unknown[] {
  const field = `instances[${i}]`;
  if (Array.isArray(instance)) {
    if (instance.length !== width) throw badRequest(`${field}: has ${instance.length} values, expected ${width}${model.features.length ? ` (${model.features.join(', ')})` : ''}`);
    instance.forEach((v, j) => checkNumber(v, `${field}[${j}]`));
    return instance;
  }
  if (typeof instance !== 'object' || instance === null) {
    throw badRequest(`${field}: expected an array of ${width} numbers or an object keyed by feature names, got ${describeValue(instance)}`);
  }
  if (model.features.length !== width) {
    throw badRequest(`${field}: model "${model.name}" declares no feature names, so instances must be arrays of ${width} numbers`);
  }
  const record = instance as Record<string, unknown>;
  const unknown = Object.keys(record).find((key) => !model.features.includes(key));
  if (unknown !== undefined) throw badRequest(`${field}: unknown feature ${describeValue(unknown)}; expected ${model.features.join(', ')}`);
  return model.features.map((feature) => {
    if (!(feature in record)) throw badRequest(`${field}.${feature}: missing; every instance needs ${model.features.join(', ')}`);
    return checkNumber(record[feature], `${field}.${feature}`);
  });
}

function checkNumber(value: unknown, field: string): unknown {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw badRequest(`${field}: expected a finite number, got ${describeValue(value)}`);
  return value;
}
