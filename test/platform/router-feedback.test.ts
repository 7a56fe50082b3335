/**
 * Feedback behind the router with several instances of one version: two real `keelson serve` processes of
 * penguins:2 (a stable and a baseline instance, as during a rollout) behind a real router. Each instance holds only
 * its own predictions, so feedback must reach the instance that answered; the router pins it.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Upstream } from '../../platform/router/balancer.js';
import { startRouter, type Router } from '../../platform/router/router.js';
import { freePort, startProcess, waitForOk, type Started } from '../dashboards/helpers/processes.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const ROWS: [number[], string][] = [
  [[39.1, 18.7, 181, 3750], 'Adelie'],
  [[50, 15.2, 220, 5000], 'Gentoo'],
  [[46.5, 17.9, 192, 3500], 'Chinstrap'],
];
const WEIGHTS = { stable: 50, baseline: 50, canary: 0 };

describe('router: feedback reaches the instance that predicted', () => {
  const services: Started[] = [];
  const pool: Upstream[] = [];
  const routers: Router[] = [];

  beforeAll(async () => {
    for (const [name, role] of [['stable-1', 'stable'], ['baseline-1', 'baseline']] as const) {
      const port = await freePort();
      const service = startProcess(process.execPath, ['bin/keelson.mjs', 'serve', '--models', inject('modelsDir'), '--model', 'penguins:2', '--port', String(port), '--workers', '1'], repoRoot);
      services.push(service);
      pool.push({ name, role, version: '2', host: '127.0.0.1', port });
    }
    await Promise.all(pool.map((u, i) => waitForOk(`http://127.0.0.1:${u.port}/v2/health/ready`, services[i]!, 120_000)));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(routers.map((r) => r.close(1000)));
    await Promise.all(services.map((s) => s.stop()));
  });

  async function router(options: Parameters<typeof startRouter>[0] = {}): Promise<Router> {
    const started = await startRouter({ port: 0, ...options });
    started.setPool(pool, WEIGHTS);
    routers.push(started);
    return started;
  }

  /** Predicts each row through the router (alternately on the latest and the version-pinned path). */
  async function predict(url: string, count: number, headers: (i: number) => Record<string, string> = () => ({})) {
    const answers: { id: string; instance: string; truth: string }[] = [];
    for (let i = 0; i < count; i++) {
      const [row, truth] = ROWS[i % ROWS.length]!;
      const path = i % 2 === 0 ? '/v2/models/penguins/infer' : '/v2/models/penguins/versions/2/infer';
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers(i) },
        body: JSON.stringify({ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: row }] }),
      });
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      answers.push({ id: res.headers.get('x-request-id')!, instance: res.headers.get('x-keelson-instance')!, truth });
    }
    return answers;
  }

  /** Sends each label through the router; the statuses, counted. */
  async function label(url: string, answers: { id: string; instance: string; truth: string }[], headers: (a: { instance: string }) => Record<string, string> = () => ({})) {
    const statuses: Record<number, number> = {};
    for (const [i, answer] of answers.entries()) {
      const path = i % 2 === 0 ? '/v2/models/penguins/feedback' : '/v2/models/penguins/versions/2/feedback';
      const res = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers(answer) },
        body: JSON.stringify({ request_id: answer.id, truth: answer.truth }),
      });
      await res.arrayBuffer();
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    }
    return statuses;
  }

  /** Each prediction labelled at once, before the next one: the round robin sends the label to the other instance. */
  async function predictAndLabel(url: string, count: number) {
    const statuses: Record<number, number> = {};
    const instances = new Set<string>();
    for (let i = 0; i < count; i++) {
      const [answer] = await predict(url, 1);
      instances.add(answer!.instance);
      for (const [status, n] of Object.entries(await label(url, [answer!]))) statuses[Number(status)] = (statuses[Number(status)] ?? 0) + n;
    }
    return { statuses, instances };
  }

  it('by request id alone: the router remembers which instance answered, so every label lands (0 × 404)', async () => {
    const { url } = await router();
    const batch = await predict(url, 40);
    expect(new Set(batch.map((a) => a.instance))).toEqual(new Set(['stable-1', 'baseline-1']));
    expect(await label(url, batch)).toEqual({ 200: 40 });
    const interleaved = await predictAndLabel(url, 20);
    expect(interleaved.instances).toEqual(new Set(['stable-1', 'baseline-1']));
    expect(interleaved.statuses).toEqual({ 200: 20 });
  });

  it('with x-keelson-instance from the answer: lands even where the router has forgotten the id, and the client chose the id', async () => {
    const first = await router();
    const answers = await predict(first.url, 20, (i) => ({ 'x-request-id': `client-chosen-${Date.now()}-${i}` }));
    expect(answers.every((a) => a.id.startsWith('client-chosen-'))).toBe(true);
    // A second router has seen none of these predictions (a restarted router, or another replica).
    const second = await router();
    expect(await label(second.url, answers, (a) => ({ 'x-keelson-instance': a.instance }))).toEqual({ 200: 20 });
  });

  it('without pinning (no ids remembered, no header) labels split between the instances and some get 404: what the pinning fixes', async () => {
    const { url } = await router({ predictionOrigins: 0 });
    const { statuses } = await predictAndLabel(url, 20);
    expect(statuses[404]).toBeGreaterThan(0);
    expect((statuses[200] ?? 0) + (statuses[404] ?? 0)).toBe(20);
  });
});
