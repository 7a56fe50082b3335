import { badRequest } from '../errors.js';
import { splitBinaryBody, BinarySection } from './binary-tensors.js';
import { DATATYPES } from './datatypes.js';
import { parseInferRequest, type InferRequest, type ModelSignature } from './v2-infer.js';

/**
 * Parses a body sent with `Inference-Header-Content-Length`: the JSON header and the tensor bytes behind it.
 * A length of 0 is Triton's raw binary request: the whole body is the model's only input, its shape deduced
 * from the byte count, and every output comes back binary.
 */
export function parseBinaryInferRequest(body: Uint8Array, headerLength: string, model: ModelSignature, maxElements: number): InferRequest {
  const { headerText, binary } = splitBinaryBody(body, headerLength);
  if (headerText.length === 0) return parseInferRequest(rawRequestHeader(body.length, model), model, maxElements, new BinarySection(body));
  let header: unknown;
  try {
    header = JSON.parse(headerText) as unknown;
  } catch (error) {
    throw badRequest(`request body: the first ${headerText.length} bytes (Inference-Header-Content-Length) are not valid JSON (${(error as Error).message.slice(0, 120)})`);
  }
  return parseInferRequest(header, model, maxElements, binary);
}

/** The JSON header a raw binary request stands for; 400 when the model's signature does not allow one. */
function rawRequestHeader(size: number, model: ModelSignature): unknown {
  const field = 'Inference-Header-Content-Length: 0 (a raw binary request)';
  const [spec, ...more] = model.inputs;
  if (!spec || more.length > 0) throw badRequest(`${field}: needs a model with exactly one input; model "${model.name}" has ${model.inputs.length}; send a JSON header`);
  const info = DATATYPES[spec.datatype];
  if (!info) throw badRequest(`${field}: input "${spec.name}" is ${spec.datatype}, which this server does not accept`);
  const dynamic = spec.shape.filter((d) => d < 0).length;
  if (dynamic > 1) throw badRequest(`${field}: input "${spec.name}" has ${dynamic} dynamic dimensions ${JSON.stringify(spec.shape)}; at most 1 can be deduced from the byte count`);
  const fixed = spec.shape.reduce((product, d) => (d < 0 ? product : product * d), 1);
  const rowBytes = fixed * info.bytes;
  if (rowBytes === 0 || size % rowBytes !== 0 || (dynamic === 0 && size !== rowBytes)) {
    throw badRequest(`${field}: ${size} bytes are not ${dynamic ? 'a whole number of' : 'exactly one'} ${rowBytes}-byte ${JSON.stringify(spec.shape)} ${spec.datatype} tensor${dynamic ? 's' : ''} for input "${spec.name}"`);
  }
  const shape = spec.shape.map((d) => (d < 0 ? size / rowBytes : d));
  return {
    inputs: [{ name: spec.name, datatype: spec.datatype, shape, parameters: { binary_data_size: size } }],
    parameters: { binary_data_output: true },
  };
}
