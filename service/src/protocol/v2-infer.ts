import { badRequest, describeValue } from '../errors.js';
import type { TensorSpec } from '../manifest.js';
import { tensorBytes, type BinarySection } from './binary-tensors.js';
import { jsonElement } from './datatypes.js';
import { decodeTensor, type RawTensor } from './decode-tensor.js';
import { expectObject } from './expect.js';
import type { Tensor, TensorMap } from './tensor.js';

/** What the protocol layer needs to know about a model version. */
export interface ModelSignature {
  name: string;
  version: string;
  inputs: TensorSpec[];
  outputs: TensorSpec[];
}

/** A validated Open Inference Protocol request. */
export interface InferRequest {
  id?: string;
  parameters?: Record<string, string | number | boolean>;
  /** Every model input, decoded, in the model's order. */
  inputs: TensorMap;
  /** Output names the client asked for; undefined means all. */
  outputs?: string[];
  /** Outputs to return as binary data (binary tensor extension); empty for an all-JSON response. */
  binaryOutputs: Set<string>;
}

/** A response body: JSON text, or (when any output is binary) the JSON header and the tensor bytes behind it. */
export type InferResponseBody =
  | { kind: 'json'; text: string }
  | { kind: 'binary'; headerLength: number; body: Buffer };

/**
 * Validates an OIP (KServe V2) inference request body against a model's signature. Throws 400 errors.
 * `binary` is the part of the body after the JSON header when the request uses the binary tensor extension.
 */
export function parseInferRequest(body: unknown, model: ModelSignature, maxElements: number, binary?: BinarySection): InferRequest {
  const request = expectObject(body, 'request body', 'an object with "inputs"');
  const result: InferRequest = { inputs: {}, binaryOutputs: new Set() };
  if (request.id !== undefined) {
    if (typeof request.id !== 'string') throw badRequest(`id: expected a string, got ${describeValue(request.id)}`);
    result.id = request.id;
  }
  if (request.parameters !== undefined) result.parameters = parseParameters(request.parameters, 'parameters');
  const inputs = request.inputs;
  if (!Array.isArray(inputs) || inputs.length === 0) {
    throw badRequest(`inputs: expected a non-empty array of tensors (${names(model.inputs)}), got ${describeValue(inputs)}`);
  }
  const decoded: Record<string, Tensor> = {};
  inputs.forEach((raw, i) => {
    const field = `inputs[${i}]`;
    const input = expectObject(raw, field, 'an object with name, datatype, shape and data');
    const spec = model.inputs.find((s) => s.name === input.name);
    if (!spec) {
      throw badRequest(`${field}.name: model "${model.name}" version ${model.version} has no input ${describeValue(input.name)}; expected ${names(model.inputs)}`);
    }
    if (decoded[spec.name]) throw badRequest(`${field}.name: input "${spec.name}" is given more than once`);
    if (input.parameters !== undefined) parseParameters(input.parameters, `${field}.parameters`);
    decoded[spec.name] = decodeTensor(input as unknown as RawTensor, spec, field, maxElements, binary);
  });
  binary?.finish();
  for (const spec of model.inputs) {
    if (!decoded[spec.name]) throw badRequest(`inputs: input "${spec.name}" (${spec.datatype} ${JSON.stringify(spec.shape)}) is missing`);
    result.inputs[spec.name] = decoded[spec.name]!;
  }
  const allBinary = booleanParameter(result.parameters, 'binary_data_output', 'parameters') ?? false;
  if (request.outputs !== undefined) result.outputs = parseOutputFilter(request.outputs, model, allBinary, result.binaryOutputs);
  else if (allBinary) for (const output of model.outputs) result.binaryOutputs.add(output.name);
  return result;
}

/**
 * The response body: the requested outputs (all when no filter) with flat row-major data, as JSON text written directly rather than built as objects for `JSON.stringify` (this
 * runs once per request on the thread that serves HTTP): the same text `JSON.stringify` gives for the
 * response object, non-finite numbers included (`null`).
 */
export function inferResponseText(model: ModelSignature, request: Pick<InferRequest, 'id' | 'outputs'>, outputs: TensorMap): string {
  let text = `{"model_name":${JSON.stringify(model.name)},"model_version":${JSON.stringify(model.version)}`;
  if (request.id !== undefined) text += `,"id":${JSON.stringify(request.id)}`;
  text += ',"outputs":[';
  let first = true;
  for (const name of request.outputs ?? model.outputs.map((o) => o.name)) {
    const tensor = outputs[name];
    if (!tensor) continue;
    text += `${first ? '' : ','}{"name":${JSON.stringify(name)},"datatype":"${tensor.datatype}","shape":[${tensor.shape.join(',')}],"data":[${jsonValues(tensor)}]}`;
    first = false;
  }
  return `${text}]}`;
}

/**
 * The response body for `request`: JSON text when no output is binary, else the binary tensor extension's
 * layout: the JSON header (binary outputs carry `parameters.binary_data_size` instead of `data`) followed by
 * their little-endian bytes in the order the header lists them.
 */
export function inferResponseBody(model: ModelSignature, request: Pick<InferRequest, 'id' | 'outputs' | 'binaryOutputs'>, outputs: TensorMap): InferResponseBody {
  if (request.binaryOutputs.size === 0) return { kind: 'json', text: inferResponseText(model, request, outputs) };
  let text = `{"model_name":${JSON.stringify(model.name)},"model_version":${JSON.stringify(model.version)}`;
  if (request.id !== undefined) text += `,"id":${JSON.stringify(request.id)}`;
  text += ',"outputs":[';
  const parts: Buffer[] = [];
  let first = true;
  for (const name of request.outputs ?? model.outputs.map((o) => o.name)) {
    const tensor = outputs[name];
    if (!tensor) continue;
    text += `${first ? '' : ','}{"name":${JSON.stringify(name)},"datatype":"${tensor.datatype}","shape":[${tensor.shape.join(',')}],`;
    if (request.binaryOutputs.has(name)) {
      const bytes = tensorBytes(tensor.data);
      parts.push(bytes);
      text += `"parameters":{"binary_data_size":${bytes.length}}}`;
    } else text += `"data":[${jsonValues(tensor)}]}`;
    first = false;
  }
  const header = Buffer.from(`${text}]}`);
  return { kind: 'binary', headerLength: header.length, body: Buffer.concat([header, ...parts]) };
}

/** A tensor's elements as comma-separated JSON values (booleans for BOOL, `null` for NaN and infinities). */
function jsonValues(tensor: Tensor): string {
  const { data } = tensor;
  let text = '';
  for (let i = 0; i < data.length; i++) {
    const value = jsonElement(tensor.datatype, data, i);
    text += `${i === 0 ? '' : ','}${typeof value === 'boolean' || Number.isFinite(value) ? value : 'null'}`;
  }
  return text;
}

function parseOutputFilter(value: unknown, model: ModelSignature, allBinary: boolean, binaryOutputs: Set<string>): string[] {
  if (!Array.isArray(value)) throw badRequest(`outputs: expected an array of {"name": ...} objects, got ${describeValue(value)}`);
  const wanted: string[] = [];
  value.forEach((raw, i) => {
    const output = expectObject(raw, `outputs[${i}]`, 'an object with "name"');
    if (!model.outputs.some((o) => o.name === output.name)) {
      throw badRequest(`outputs[${i}].name: model "${model.name}" version ${model.version} has no output ${describeValue(output.name)}; expected ${names(model.outputs)}`);
    }
    if (wanted.includes(output.name as string)) throw badRequest(`outputs[${i}].name: output "${output.name}" is requested more than once`);
    const parameters = output.parameters === undefined ? undefined : parseParameters(output.parameters, `outputs[${i}].parameters`);
    // A per-output `binary_data` overrides the request's `binary_data_output` (Triton's rule).
    if (booleanParameter(parameters, 'binary_data', `outputs[${i}].parameters`) ?? allBinary) binaryOutputs.add(output.name as string);
    wanted.push(output.name as string);
  });
  return wanted;
}

function booleanParameter(parameters: Record<string, unknown> | undefined, key: string, field: string): boolean | undefined {
  const value = parameters?.[key];
  if (value === undefined || typeof value === 'boolean') return value;
  throw badRequest(`${field}.${key}: expected true or false, got ${describeValue(value)}`);
}

function parseParameters(value: unknown, field: string): Record<string, string | number | boolean> {
  const params = expectObject(value, field, 'an object of string, number or boolean values');
  for (const [key, v] of Object.entries(params)) {
    if (typeof v !== 'string' && typeof v !== 'boolean' && !(typeof v === 'number' && Number.isFinite(v))) {
      throw badRequest(`${field}.${key}: expected a string, number or boolean, got ${describeValue(v)}`);
    }
  }
  return params as Record<string, string | number | boolean>;
}

function names(specs: TensorSpec[]): string {
  return specs.map((s) => `"${s.name}"`).join(', ');
}
