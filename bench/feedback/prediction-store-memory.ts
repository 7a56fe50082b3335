/**
 * Memory of the feedback map under a flood of request ids: fills a PredictionStore to its capacity with
 * single-row penguin predictions (UUID ids, 4 features held), then floods it with as many again (every one
 * evicting the oldest), and prints the heap per held entry. Run: `node --expose-gc --import tsx bench/feedback/prediction-store-memory.ts [capacity]`.
 */
import { randomUUID } from 'node:crypto';
import { PredictionStore } from '../../service/src/feedback/prediction-store.js';

const capacity = Number(process.argv[2] ?? 100_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc so the heap can be measured after a collection');

const heap = (): number => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const before = heap();
let evicted = 0;
const store = new PredictionStore({ capacity, ttlMs: 3_600_000, onEvict: (_, n) => (evicted += n) });
const row = [39.1, 18.7, 181, 3750];
for (let i = 0; i < 2 * capacity; i++) store.remember(randomUUID(), 'penguins', '2', [i % 3], { data: row.map((v) => v + i * 1e-3), width: 4 });
const after = heap();
const perEntry = (after - before) / store.size;
console.log(JSON.stringify({ capacity, held: store.size, evicted, heapBytes: after - before, bytesPerEntry: Math.round(perEntry), mib: +((after - before) / 2 ** 20).toFixed(1) }));
if (store.size !== capacity || evicted !== capacity) process.exitCode = 1;
