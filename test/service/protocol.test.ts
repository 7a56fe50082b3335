import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../service/src/errors.js';
import { decodeTensor } from '../../service/src/protocol/decode-tensor.js';
import { formatV1Predictions, parseV1Request } from '../../service/src/protocol/v1-predict.js';
import { inferResponseText, parseInferRequest } from '../../service/src/protocol/v2-infer.js';
import { fakeManifest } from './fake-app.js';

const manifest = fakeManifest('2');
const model = { name: 'penguins', version: '2', inputs: manifest.inputs, outputs: manifest.outputs };
const v1Model = { ...model, features: manifest.features, labels: manifest.labels!, labelOutput: 'label' };
const features = (over: Record<string, unknown> = {}) => ({ name: 'features', datatype: 'FP32', shape: [2, 4], data: [1, 2, 3, 4, 5, 6, 7, 8], ...over });

function badRequestMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).kind).toBe('bad_request');
    return (error as ServiceError).message;
  }
  throw new Error('expected a 400 error');
}

describe('decodeTensor', () => {
  const spec = { name: 'x', datatype: 'INT8' as const, shape: [-1, 2] };

  it('accepts flat and nested data and yields the same typed array', () => {
    const flat = decodeTensor({ datatype: 'INT8', shape: [2, 2], data: [1, -2, 3, 4] }, spec, 'inputs[0]', 100);
    const nested = decodeTensor({ datatype: 'INT8', shape: [2, 2], data: [[1, -2], [3, 4]] }, spec, 'inputs[0]', 100);
    expect(flat.data).toEqual(Int8Array.from([1, -2, 3, 4]));
    expect(nested.data).toEqual(flat.data);
  });

  it('checks integer ranges per datatype and names the element', () => {
    expect(badRequestMessage(() => decodeTensor({ datatype: 'INT8', shape: [1, 2], data: [1, 200] }, spec, 'inputs[0]', 100)))
      .toMatch(/inputs\[0\]\.data: element 1 \(row-major\) is 200; expected an integer between -128 and 127 for INT8/);
    expect(badRequestMessage(() => decodeTensor({ datatype: 'INT8', shape: [1, 2], data: [1, 1.5] }, spec, 'f', 100))).toMatch(/1\.5/);
  });

  it('decodes every supported datatype', () => {
    const cases = [
      ['BOOL', [true, false], Uint8Array.from([1, 0])],
      ['UINT8', [0, 255], Uint8Array.from([0, 255])],
      ['UINT16', [0, 65535], Uint16Array.from([0, 65535])],
      ['UINT32', [0, 4294967295], Uint32Array.from([0, 4294967295])],
      ['UINT64', [0, 2 ** 53 - 1], BigUint64Array.from([0n, 2n ** 53n - 1n])],
      ['INT16', [-32768, 32767], Int16Array.from([-32768, 32767])],
      ['INT32', [-(2 ** 31), 2 ** 31 - 1], Int32Array.from([-(2 ** 31), 2 ** 31 - 1])],
      ['INT64', [-5, 7], BigInt64Array.from([-5n, 7n])],
      ['FP32', [0.5, -1e30], Float32Array.from([0.5, -1e30])],
      ['FP64', [0.1, 1e300], Float64Array.from([0.1, 1e300])],
    ] as const;
    for (const [datatype, data, expected] of cases) {
      const tensor = decodeTensor({ datatype, shape: [2], data: [...data] }, { name: 'x', datatype, shape: [-1] }, 'x', 10);
      expect(tensor.data, datatype).toEqual(expected);
    }
  });

  it('refuses FP16 and BYTES with a clear message', () => {
    expect(badRequestMessage(() => decodeTensor({ datatype: 'BYTES', shape: [1], data: ['a'] }, { name: 'x', datatype: 'FP32', shape: [-1] }, 'x', 10)))
      .toMatch(/BYTES is not supported over JSON/);
  });

  it('rejects absurd shape claims before allocating', () => {
    const message = badRequestMessage(() => decodeTensor({ datatype: 'INT8', shape: [1e12, 2], data: [1, 2] }, spec, 'inputs[0]', 1000));
    expect(message).toMatch(/claims 2000000000000 elements; a request may carry at most 1000/);
  });

  it('rejects nested data that does not mirror the shape', () => {
    expect(badRequestMessage(() => decodeTensor({ datatype: 'INT8', shape: [2, 2], data: [[1, 2, 3], [4]] }, spec, 'f', 100))).toMatch(/nested data does not match shape \[2,2\]/);
  });
});

describe('parseInferRequest', () => {
  it('returns decoded inputs, id, parameters and the output filter', () => {
    const request = parseInferRequest({ id: 'r1', parameters: { a: 1 }, inputs: [features()], outputs: [{ name: 'label' }] }, model, 1000);
    expect(request.id).toBe('r1');
    expect(request.outputs).toEqual(['label']);
    expect(request.inputs.features!.shape).toEqual([2, 4]);
    expect(request.inputs.features!.data).toBeInstanceOf(Float32Array);
  });

  it.each([
    [{ inputs: [features({ name: 'x' })] }, /inputs\[0\]\.name: model "penguins" version 2 has no input "x"; expected "features"/],
    [{ inputs: [features({ datatype: 'FP64' })] }, /inputs\[0\]\.datatype: input "features" expects FP32, got FP64/],
    [{ inputs: [features({ shape: [2, 5] })] }, /inputs\[0\]\.shape: \[2,5\] does not match \[-1,4\] of input "features" \(dimension 1 must be 4\)/],
    [{ inputs: [features({ data: [1, 2, 3] })] }, /inputs\[0\]\.data: has 3 elements but shape \[2,4\] needs 8/],
    [{ inputs: [features({ data: [1, 2, 3, null, 5, 6, 7, 8] })] }, /element 3 \(row-major\) is null; expected a finite number for FP32/],
    [{ inputs: [features({ data: [1, 2, 3, 'NaN', 5, 6, 7, 8] })] }, /element 3 \(row-major\) is "NaN"/],
    [{ inputs: [features({ data: [1, 2, 3, 1e39, 5, 6, 7, 8] })] }, /element 3 .* is 1e\+39; expected a finite number for FP32 \(magnitude at most/],
    [{ inputs: [features(), features()] }, /inputs\[1\]\.name: input "features" is given more than once/],
    [{ inputs: [features()], outputs: [{ name: 'nope' }] }, /outputs\[0\]\.name: model "penguins" version 2 has no output "nope"/],
    [{ id: 7, inputs: [features()] }, /id: expected a string, got 7/],
    [{ inputs: [] }, /inputs: expected a non-empty array of tensors \("features"\)/],
    [[1, 2], /request body: expected an object with "inputs", got an array of 2 elements/],
  ])('rejects %j', (body, message) => {
    expect(badRequestMessage(() => parseInferRequest(body, model, 1000))).toMatch(message);
  });

  it('formats only the requested outputs and echoes the id', () => {
    const outputs = {
      probabilities: { datatype: 'FP32' as const, shape: [1, 3], data: Float32Array.from([0.25, 0.5, 0.25]) },
      label: { datatype: 'INT64' as const, shape: [1], data: BigInt64Array.from([1n]) },
    };
    expect(JSON.parse(inferResponseText(model, { id: 'a', outputs: ['label'] }, outputs))).toEqual({
      model_name: 'penguins', model_version: '2', id: 'a', outputs: [{ name: 'label', datatype: 'INT64', shape: [1], data: [1] }],
    });
  });

  it('writes the same text JSON.stringify gives for the response object, for every datatype and odd values', () => {
    const odd = { name: 'odd "model"\\', version: '7\u2028', inputs: model.inputs, outputs: ['f', 'd', 'b', 'i', 'u', 'e'].map((name) => ({ name, datatype: 'FP32' as const, shape: [-1] })) };
    const outputs = {
      f: { datatype: 'FP32' as const, shape: [2, 3], data: Float32Array.from([0.1, -0, 1e-7, 3.4e38, Number.NaN, Number.POSITIVE_INFINITY]) },
      d: { datatype: 'FP64' as const, shape: [3], data: Float64Array.from([0.1, -1.5e300, Number.NEGATIVE_INFINITY]) },
      b: { datatype: 'BOOL' as const, shape: [3], data: Uint8Array.from([1, 0, 1]) },
      i: { datatype: 'INT64' as const, shape: [2], data: BigInt64Array.from([-9007199254740991n, 42n]) },
      u: { datatype: 'UINT8' as const, shape: [1, 1, 2], data: Uint8Array.from([0, 255]) },
      e: { datatype: 'INT32' as const, shape: [0], data: new Int32Array(0) },
    };
    const expected = (id?: string, wanted = odd.outputs.map((o) => o.name)) => JSON.stringify({
      model_name: odd.name, model_version: odd.version, ...(id === undefined ? {} : { id }),
      outputs: wanted.map((name) => {
        const t = outputs[name as keyof typeof outputs];
        return { name, datatype: t.datatype, shape: t.shape, data: Array.from(t.data as ArrayLike<number | bigint>, (v) => (t.datatype === 'BOOL' ? v !== 0 : Number(v))) };
      }),
    });
    expect(inferResponseText(odd, {}, outputs)).toBe(expected());
    expect(inferResponseText(odd, { id: 'q"\\\n', outputs: ['u', 'f'] }, outputs)).toBe(expected('q"\\\n', ['u', 'f']));
  });
});

describe('KServe V1', () => {
  it('accepts arrays and feature-keyed objects in one request', () => {
    const inputs = parseV1Request({ instances: [[1, 2, 3, 4], { body_mass_g: 8, flipper_length_mm: 7, bill_depth_mm: 6, bill_length_mm: 5 }] }, v1Model, 1000);
    expect(inputs.features!.shape).toEqual([2, 4]);
    expect(Array.from(inputs.features!.data as Float32Array)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it.each([
    [{ instances: [] }, /instances: expected a non-empty array/],
    [{ rows: [[1, 2, 3, 4]] }, /instances: expected a non-empty array/],
    [{ instances: [[1, 2, 3]] }, /instances\[0\]: has 3 values, expected 4 \(bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g\)/],
    [{ instances: [{ bill_length_mm: 1, bill_depth_mm: 2, flipper_length_mm: 3 }] }, /instances\[0\]\.body_mass_g: missing/],
    [{ instances: [{ bill_length_mm: 1, bill_depth_mm: 2, flipper_length_mm: 3, body_mass_g: 4, sex: 1 }] }, /instances\[0\]: unknown feature "sex"/],
    [{ instances: [[1, 2, '3', 4]] }, /instances\[0\]\[2\]: expected a finite number, got "3"/],
    [{ instances: ['abc'] }, /instances\[0\]: expected an array of 4 numbers or an object keyed by feature names/],
  ])('rejects %j', (body, message) => {
    expect(badRequestMessage(() => parseV1Request(body, v1Model, 1000))).toMatch(message);
  });

  it('answers class labels for classifiers', () => {
    const outputs = {
      probabilities: { datatype: 'FP32' as const, shape: [2, 3], data: new Float32Array(6) },
      label: { datatype: 'INT64' as const, shape: [2], data: BigInt64Array.from([2n, 0n]) },
    };
    expect(formatV1Predictions(v1Model, outputs)).toEqual(['Gentoo', 'Adelie']);
  });
});
