/**
 * Body of one reference thread: the service's own session factory (same ORT options) running batches of
 * `batch` rows back to back until the deadline, no HTTP, no scheduler. Posts the rows computed.
 */
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { createOnnxSession } from '../../service/src/runtime/onnx-session.js';

const { modelFile, inputName, inputSize, batch, seconds, intraOpNumThreads } = workerData as {
  modelFile: string; inputName: string; inputSize: number; batch: number; seconds: number; intraOpNumThreads: number;
};
const session = await createOnnxSession(readFileSync(modelFile), { intraOpNumThreads });
const feeds = () => ({ [inputName]: { datatype: 'FP32' as const, shape: [batch, inputSize], data: new Float32Array(batch * inputSize).fill(0.5) } });
await session.run(feeds()); // warm-up, as the service does at load
parentPort!.postMessage({ kind: 'ready' });
await new Promise<void>((resolve) => parentPort!.once('message', () => resolve()));
const deadline = performance.now() + seconds * 1000;
let rows = 0;
while (performance.now() < deadline) {
  await session.run(feeds()); // a fresh input per batch, as the scheduler concatenates one per batch
  rows += batch;
}
parentPort!.postMessage({ kind: 'done', rows });
await session.release();
