import { setTimeout as sleep } from 'node:timers/promises';
import { loadPenguins, PENGUIN_LABELS } from '../../../tools/penguins.js';

/** Background inference traffic against service instances until stopped (or `maxMs` passes). */
export interface Traffic {
  /** Requests answered so far, by status code. */
  readonly statuses: Map<number, number>;
  stop(): Promise<void>;
}

const ROWS_PER_REQUEST = 4;

/**
 * Sends, to every instance in turn: real penguin rows to both OIP infer routes and a KServe V1 predict
 * route (each with an `X-Request-Id`), the same request twice (a cache hit where the cache is on), and every fifth round a malformed request (a 400).
 */
export function startTraffic(instances: { baseUrl: string; version: string }[], maxMs = 300_000, pauseMs = 50): Traffic {
  const penguins = loadPenguins();
  const statuses = new Map<number, number>();
  let running = true;
  const record = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
  const send = async (url: string, body: unknown, requestId: string) => {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': requestId },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      await response.arrayBuffer();
      record(response.status);
    } catch {
      record(0);
    }
  };
  const loop = (async () => {
    const deadline = Date.now() + maxMs;
    for (let i = 0; running && Date.now() < deadline; i++) {
      // Real penguins; the body mass moves by 0.01 g per round so inputs never repeat across rounds and the
      // prediction cache cannot answer everything once the 342 penguins have been sent.
      const rows = Array.from({ length: ROWS_PER_REQUEST }, (_, k) =>
        penguins[(i * ROWS_PER_REQUEST + k) % penguins.length].features.map((v, column) => (column === 3 ? v + i * 0.01 : v)),
      );
      const infer = { id: `req-${i}`, inputs: [{ name: 'features', datatype: 'FP32', shape: [ROWS_PER_REQUEST, 4], data: rows.flat() }] };
      await Promise.all(
        instances.map(async ({ baseUrl: base, version }) => {
          await send(`${base}/v2/models/penguins/infer`, infer, `dash-${i}-a`);
          // Ground truth for two of the rows (the model-quality dashboard's accuracy panels and the accuracy rules).
          for (const row of [0, 1]) {
            await send(`${base}/v2/models/penguins/feedback`, { request_id: `dash-${i}-a`, row, truth: PENGUIN_LABELS[penguins[(i * ROWS_PER_REQUEST + row) % penguins.length].label] }, `dash-${i}-fb${row}`);
          }
          await send(`${base}/v2/models/penguins/infer`, infer, `dash-${i}-b`);
          await send(`${base}/v2/models/penguins/versions/${version}/infer`, infer, `dash-${i}-c`);
          if (i % 2 === 0) await send(`${base}/v1/models/penguins:predict`, { instances: rows }, `dash-${i}-v1`);
          else await send(`${base}/v1/models/penguins/versions/${version}:predict`, { instances: rows }, `dash-${i}-v1`);
          if (i % 5 === 0) await send(`${base}/v2/models/penguins/infer`, { inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: [1, 2] }] }, `dash-${i}-bad`);
        }),
      );
      await sleep(pauseMs);
    }
  })();
  return {
    statuses,
    async stop() {
      running = false;
      await loop;
    },
  };
}
