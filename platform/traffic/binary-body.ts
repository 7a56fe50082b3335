/**
 * Client side of the Open Inference Protocol's binary tensor extension (Triton's `binary_tensor_data`): a JSON
 * header whose length goes in `Inference-Header-Content-Length`, then each binary tensor's little-endian bytes.
 */

/** A request ready to send: the body and the headers that describe it. */
export interface BinaryRequest {
  body: Buffer;
  headers: Record<string, string>;
}

/** One input sent as binary data. */
export interface BinaryInput {
  name: string;
  datatype: string;
  shape: number[];
  data: ArrayBufferView;
}

/** Encodes inputs as binary data; every output comes back binary unless `binaryOutputs` is false. */
export function encodeBinaryRequest(inputs: BinaryInput[], options: { binaryOutputs?: boolean; outputs?: string[] } = {}): BinaryRequest {
  const header: Record<string, unknown> = {
    inputs: inputs.map((t) => ({ name: t.name, datatype: t.datatype, shape: t.shape, parameters: { binary_data_size: t.data.byteLength } })),
  };
  if (options.binaryOutputs !== false) header.parameters = { binary_data_output: true };
  if (options.outputs) header.outputs = options.outputs.map((name) => ({ name }));
  const json = Buffer.from(JSON.stringify(header));
  const parts = inputs.map((t) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  return {
    body: Buffer.concat([json, ...parts]),
    headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(json.length) },
  };
}

/** An output of a response, with its bytes when it came as binary data. */
export interface DecodedOutput {
  name: string;
  datatype: string;
  shape: number[];
  data?: unknown[];
  bytes?: Buffer;
}

/** A decoded inference response: the JSON header and each output (binary ones with their bytes). */
export interface DecodedResponse {
  json: { model_name?: string; model_version?: string; id?: string; error?: string; outputs?: (DecodedOutput & { parameters?: { binary_data_size?: number } })[] };
  outputs: DecodedOutput[];
}

/** Splits a response body by its `Inference-Header-Content-Length` (absent: the whole body is JSON). */
export function decodeInferResponse(body: Buffer, headerLength: string | null): DecodedResponse {
  const jsonLength = headerLength === null ? body.length : Number(headerLength);
  if (!Number.isSafeInteger(jsonLength) || jsonLength < 0 || jsonLength > body.length) {
    throw new Error(`Inference-Header-Content-Length ${headerLength} does not fit a body of ${body.length} bytes`);
  }
  const json = JSON.parse(body.subarray(0, jsonLength).toString('utf8')) as DecodedResponse['json'];
  let offset = jsonLength;
  const outputs = (json.outputs ?? []).map((output) => {
    const size = output.parameters?.binary_data_size;
    if (size === undefined) return output;
    if (offset + size > body.length) throw new Error(`output "${output.name}" claims ${size} bytes; only ${body.length - offset} are left`);
    const bytes = body.subarray(offset, offset + size);
    offset += size;
    return { name: output.name, datatype: output.datatype, shape: output.shape, bytes };
  });
  if (offset !== body.length) throw new Error(`the response has ${body.length - offset} bytes after its last binary output`);
  return { json, outputs };
}

/** A binary output's bytes as a typed array (copied, so it is aligned). */
export function typedOutput(output: DecodedOutput): Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array {
  if (!output.bytes) throw new Error(`output "${output.name}" came as JSON, not binary data`);
  const copy = new Uint8Array(output.bytes).buffer;
  switch (output.datatype) {
    case 'FP32': return new Float32Array(copy);
    case 'FP64': return new Float64Array(copy);
    case 'INT32': return new Int32Array(copy);
    case 'INT64': return new BigInt64Array(copy);
    case 'FP16': return new Uint16Array(copy);
    case 'BOOL': case 'UINT8': return new Uint8Array(copy);
    default: throw new Error(`typedOutput: datatype ${output.datatype} is not handled here`);
  }
}
