/**
 * Body of an inference worker thread: one ORT session per loaded model version, runs on request.
 * Started through `inference-worker.mjs`, which registers tsx first.
 *
 * A worker must never be terminated from outside while ORT computes: the native run would return into a
 * torn-down environment and abort the whole process. So exits (and test crashes) happen between runs.
 */
import { parentPort } from 'node:worker_threads';
import { createOnnxSession, type OnnxSession } from './onnx-session.js';
import type { WorkerRequest, WorkerResponse } from './worker-messages.js';

const port = parentPort;
if (!port) throw new Error('inference-worker must run in a worker thread');
const sessions = new Map<string, OnnxSession>();
let active = 0;
let ending: 'exit' | 'crash' | undefined;

port.on('message', (request: WorkerRequest) => {
  if (request.kind === 'exit' || request.kind === 'crash') {
    ending = request.kind;
    if (active === 0) void end();
    return;
  }
  active++;
  void handle(request).then((response) => {
    active--;
    if (ending === 'crash') return void end(); // dies before answering, like a crash mid-run
    postAnswer(response);
    if (ending && active === 0) void end();
  });
});

/**
 * Output buffers are moved to the main thread rather than copied (a 64-row batch of a wide model is hundreds of
 * KiB that the main thread would otherwise wait to clone); a buffer that cannot be moved is copied as before.
 */
function postAnswer(response: WorkerResponse): void {
  if (response.kind !== 'result') return port!.postMessage(response);
  const buffers = new Set<ArrayBuffer>();
  for (const name in response.outputs) {
    const buffer = response.outputs[name]!.data.buffer;
    if (buffer instanceof ArrayBuffer) buffers.add(buffer);
  }
  try {
    port!.postMessage(response, [...buffers]);
  } catch {
    port!.postMessage(response);
  }
}

async function end(): Promise<void> {
  if (ending === 'crash') {
    setImmediate(() => {
      throw new Error('inference worker crash requested (chaos testing)');
    });
    return;
  }
  for (const session of sessions.values()) await session.release();
  process.exit(0);
}

async function handle(request: Extract<WorkerRequest, { id: number }>): Promise<WorkerResponse> {
  try {
    if (request.kind === 'load') {
      const session = await createOnnxSession(request.bytes, { intraOpNumThreads: request.intraOpNumThreads, executionProviders: [request.executionProvider], requireExecutionProvider: true });
      await sessions.get(request.key)?.release();
      sessions.set(request.key, session);
      return { kind: 'loaded', id: request.id, signature: session.signature };
    }
    const session = sessions.get(request.key);
    if (!session) return { kind: 'failed', id: request.id, message: `model ${request.key} is not loaded in this worker` };
    const started = performance.now();
    const outputs = await session.run(request.feeds);
    return { kind: 'result', id: request.id, outputs, computeSeconds: (performance.now() - started) / 1000 };
  } catch (error) {
    return { kind: 'failed', id: request.id, message: error instanceof Error ? error.message : String(error) };
  }
}
