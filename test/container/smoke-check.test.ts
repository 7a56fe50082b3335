import { describe, expect, it } from 'vitest';
import { checkSmokeResponse, checkSmokeShape, healthcheckArgv, smokeLabelMismatches, smokeRequest } from '../../container/smoke-check.js';

const goodAnswer = {
  model_name: 'penguins',
  model_version: '1',
  outputs: [
    { name: 'probabilities', datatype: 'FP32', shape: [3, 3], data: [0.9, 0.05, 0.05, 0.1, 0.8, 0.1, 0.01, 0.01, 0.98] },
    { name: 'label', datatype: 'INT64', shape: [3], data: [0, 1, 2] },
  ],
};

describe('smoke inference check', () => {
  it('sends one row per species as an FP32 [3, 4] tensor', () => {
    expect(smokeRequest()).toMatchObject({ inputs: [{ name: 'features', datatype: 'FP32', shape: [3, 4] }] });
  });

  it('accepts a well-formed answer with the right species', () => {
    expect(checkSmokeResponse(200, goodAnswer)).toEqual([]);
  });

  it('names the status when the request failed', () => {
    expect(checkSmokeResponse(503, { error: 'not ready' })).toEqual(['status 503, expected 200 (body: {"error":"not ready"})']);
  });

  it('names wrong shapes, datatypes, sums and species', () => {
    const bad = {
      outputs: [
        { name: 'probabilities', datatype: 'FP64', shape: [3, 3], data: [0.5, 0.5, 0.5, 0.1, 0.8, 0.1, 0.01, 0.01, 0.98] },
        { name: 'label', datatype: 'INT64', shape: [3], data: [0, 2, 2] },
      ],
    };
    expect(checkSmokeResponse(200, bad)).toEqual([
      "'probabilities' datatype is FP64, expected FP32",
      "'probabilities' row 0 sums to 1.5, expected 1",
      "'label' row 1 is Gentoo, expected Chinstrap for 49.5, 19, 200, 3800",
    ]);
  });

  it("separates the serving contract from which label wins (release warns, the canary's judge decides)", () => {
    // What sample penguins 4 (shifted predictions) answers: the Gentoo row comes back as Chinstrap.
    const shifted = { ...goodAnswer, outputs: goodAnswer.outputs.map((o) => (o.name === 'label' ? { ...o, data: [0, 1, 1] } : o)) };
    expect(checkSmokeShape(200, shifted)).toEqual([]);
    expect(smokeLabelMismatches(shifted)).toEqual(["'label' row 2 is Chinstrap, expected Gentoo for 47.3, 13.8, 216, 4725"]);
    expect(checkSmokeResponse(200, shifted)).toEqual(smokeLabelMismatches(shifted));
  });

  it('names missing outputs', () => {
    const problems = checkSmokeResponse(200, { outputs: [{ name: 'scores', datatype: 'FP32', shape: [3], data: [1, 2, 3] }] });
    expect(problems).toEqual(["no 'probabilities' output (got: scores)", "no 'label' output (got: scores)"]);
    expect(checkSmokeResponse(200, 'plain text')).toEqual(["'outputs' is undefined, expected an array of tensors"]);
  });
});

describe('HEALTHCHECK command', () => {
  it('runs the exec form as is and the shell form through /bin/sh', () => {
    expect(healthcheckArgv(['CMD', 'node', '-e', 'x'])).toEqual(['node', '-e', 'x']);
    expect(healthcheckArgv(['CMD-SHELL', 'curl -f localhost'])).toEqual(['/bin/sh', '-c', 'curl -f localhost']);
    expect(healthcheckArgv(['NONE'])).toBeUndefined();
    expect(healthcheckArgv(undefined)).toBeUndefined();
  });
});
