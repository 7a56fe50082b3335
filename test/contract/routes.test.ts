import { describe, expect, it } from 'vitest';
import { INFER_ROUTES, inferPathMatcher, isInferRoute, isModelApiPath } from '../../contract/routes.js';

describe('the inference routes, defined once', () => {
  const match = inferPathMatcher();

  it.each([
    ['/v2/models/penguins/infer', INFER_ROUTES.v2Infer, 'penguins', undefined],
    ['/v2/models/penguins/versions/2/infer', INFER_ROUTES.v2InferVersion, 'penguins', '2'],
    ['/v1/models/penguins:predict', INFER_ROUTES.v1Predict, 'penguins', undefined],
    ['/v1/models/penguins/versions/2:predict', INFER_ROUTES.v1PredictVersion, 'penguins', '2'],
  ])('%s takes route %s', (path, route, model, version) => {
    expect(match(path)).toEqual({ route, model, version });
  });

  it.each(['/v2/models/penguins', '/v2/models/penguins/ready', '/v2/models//infer', '/v1/models/penguins', '/v2/models/a/b/infer', '/metrics'])('%s is no inference path', (path) => {
    expect(match(path)).toBeNull();
  });

  it('narrows to the routes and segments a caller asks for', () => {
    const plainV2 = inferPathMatcher([INFER_ROUTES.v2Infer, INFER_ROUTES.v2InferVersion], '[A-Za-z0-9_-][A-Za-z0-9._-]*');
    expect(plainV2('/v2/models/m/versions/1.2/infer')).toEqual({ route: INFER_ROUTES.v2InferVersion, model: 'm', version: '1.2' });
    expect(plainV2('/v2/models/%6D/infer')).toBeNull();
    expect(plainV2('/v1/models/m:predict')).toBeNull();
  });

  it('tells route labels and model API paths apart', () => {
    expect(isInferRoute('/v2/models/:model/infer')).toBe(true);
    expect(isInferRoute('/v2/models/:model')).toBe(false);
    expect(['/v2/models/m/ready', '/v1/models/m', '/v2/health/ready', '/metrics'].map(isModelApiPath)).toEqual([true, true, false, false]);
  });
});
