import { describe, expect, it } from 'vitest';
import { feedbackInstance, isFeedbackRequest, PredictionOrigins } from '../../platform/router/feedback-pinning.js';

describe('feedback pinning rules', () => {
  it('knows a feedback request by method and path', () => {
    expect(isFeedbackRequest('POST', '/v2/models/penguins/feedback')).toBe(true);
    expect(isFeedbackRequest('POST', '/v2/models/penguins/versions/2/feedback?x=1')).toBe(true);
    expect(isFeedbackRequest('GET', '/v2/models/penguins/feedback')).toBe(false);
    expect(isFeedbackRequest('POST', '/v2/models/penguins/infer')).toBe(false);
    expect(isFeedbackRequest('POST', '/v2/models/penguins/versions/2/feedback/extra')).toBe(false);
  });

  it('remembers at most its capacity of request ids, forgetting the oldest first; a reused id is the newest', () => {
    const origins = new PredictionOrigins(3);
    for (const [id, instance] of [['a', 'i1'], ['b', 'i2'], ['c', 'i1'], ['a', 'i2'], ['d', 'i1']] as const) origins.remember(id, instance);
    expect(origins.size).toBe(3);
    expect(origins.instanceFor('b')).toBeUndefined();
    expect(origins.instanceFor('a')).toBe('i2');
    expect(origins.instanceFor('d')).toBe('i1');
    const off = new PredictionOrigins(0);
    off.remember('a', 'i1');
    expect(off.size).toBe(0);
    expect(() => new PredictionOrigins(-1)).toThrow(/prediction origins capacity \(-1\) must be a whole number ≥ 0/);
  });

  it('pins to the instance the client names, else to the one that answered the body\'s request_id, else to none', () => {
    const origins = new PredictionOrigins(10);
    origins.remember('req-1', 'stable-2');
    const body = (value: unknown) => Buffer.from(JSON.stringify(value));
    expect(feedbackInstance({ 'x-keelson-instance': 'baseline-1' }, body({ request_id: 'req-1', truth: 'Adelie' }), origins)).toBe('baseline-1');
    expect(feedbackInstance({}, body({ request_id: 'req-1', truth: 'Adelie' }), origins)).toBe('stable-2');
    expect(feedbackInstance({}, body({ request_id: 'unknown', truth: 'Adelie' }), origins)).toBeUndefined();
    expect(feedbackInstance({}, body({ inputs: [], truth: ['Adelie'] }), origins)).toBeUndefined();
    expect(feedbackInstance({}, Buffer.from('not json'), origins)).toBeUndefined();
    expect(feedbackInstance({}, null, origins)).toBeUndefined();
  });
});
