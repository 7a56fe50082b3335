/**
 * Body of an inference worker thread: one ORT session per loaded model version, runs on request.
 * Started through `inference-worker.mjs`, which registers tsx first.
 */
import { parentPort } from 'node:worker_threads';
import { createOnnxSession, type OnnxSession } from './onnx-session.js';
import type { WorkerRequest, WorkerResponse } from './worker-messages.js';

const port = parentPort;
if (!port) throw new Error('inference-worker must run in a worker thread');
const sessions = new Map<string, OnnxSession>();

port.on('message', (request: WorkerRequest) => {
  void handle(request).then((response) => port.postMessage(response));
});

async function handle(request: WorkerRequest): Promise<WorkerResponse> {
  try {
    if (request.kind === 'load') {
      const session = await createOnnxSession(request.bytes, { intraOpNumThreads: request.intraOpNumThreads });
      await sessions.get(request.key)?.release();
      sessions.set(request.key, session);
      return { kind: 'loaded', id: request.id, signature: session.signature };
    }
    const session = sessions.get(request.key);
    if (!session) return { kind: 'failed', id: request.id, message: `model ${request.key} is not loaded in this worker` };
    return { kind: 'result', id: request.id, outputs: await session.run(request.feeds) };
  } catch (error) {
    return { kind: 'failed', id: request.id, message: error instanceof Error ? error.message : String(error) };
  }
}
