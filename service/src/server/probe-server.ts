import { Worker } from 'node:worker_threads';
import type { ServiceMetrics } from '../metrics/service-metrics.js';
import { HTTP_TIMEOUTS, type HttpTimeouts } from './http-timeouts.js';
import type { FromProbeThread, ToProbeThread } from './probe-messages.js';

/** The `--metrics-port` server, running on a thread of its own. */
export interface ProbeServer {
  url: string;
  /** Publishes the readiness answer now (it is also re-checked with every heartbeat). */
  refresh(): void;
  close(): Promise<void>;
}

export interface ProbeServerOptions {
  host: string;
  port: number;
  metrics: ServiceMetrics;
  /** The same client timeouts as the serving port. */
  httpTimeouts?: HttpTimeouts;
  /** The readiness answer of the serving thread, as `GET /v2/health/ready` gives it. */
  readiness(): { status: number; body: unknown };
  /** Liveness fails once the serving thread's event loop has not run for this long. */
  stallMs?: number;
  heartbeatMs?: number;
}

const THREAD_URL = new URL('./probe-thread.mjs', import.meta.url);

/**
 * Starts the probe thread: `GET /v2/health/live|ready` are answered there without touching the serving
 * thread's event loop (a saturated serving thread would otherwise delay them like any request), from the
 * readiness answer and the heartbeat this thread publishes; `GET /metrics` is forwarded here.
 */
export async function startProbeServer(options: ProbeServerOptions): Promise<ProbeServer> {
  const thread = new Worker(THREAD_URL);
  const post = (message: ToProbeThread): void => thread.postMessage(message);
  const beat = new BigInt64Array(new SharedArrayBuffer(8));
  let published = '';
  const publish = (): void => {
    Atomics.store(beat, 0, BigInt(Date.now()));
    const { status, body } = options.readiness();
    const text = JSON.stringify(body);
    if (`${status}${text}` === published) return;
    published = `${status}${text}`;
    post({ kind: 'readiness', status, body: text });
  };
  publish();
  const heartbeat = setInterval(publish, options.heartbeatMs ?? 250);
  heartbeat.unref();

  thread.on('message', (message: FromProbeThread) => {
    if (message.kind !== 'metrics') return;
    options.metrics.exposition().then(
      ({ contentType, body }) => post({ kind: 'metrics', id: message.id, contentType, body }),
      (error: unknown) => post({ kind: 'metrics', id: message.id, contentType: 'text/plain', body: `# metrics failed: ${String(error)}\n` }),
    );
  });
  const url = await new Promise<string>((resolve, reject) => {
    const onMessage = (message: FromProbeThread): void => {
      if (message.kind === 'listening') resolve(message.url);
      else if (message.kind === 'failed') reject(new Error(message.message));
      else return;
      thread.off('message', onMessage);
    };
    thread.on('message', onMessage);
    thread.once('error', reject);
    post({ kind: 'start', host: options.host, port: options.port, beat: beat.buffer as SharedArrayBuffer, stallMs: options.stallMs ?? 5000, httpTimeouts: options.httpTimeouts ?? HTTP_TIMEOUTS });
  }).catch(async (error: unknown) => {
    clearInterval(heartbeat);
    await thread.terminate();
    throw error;
  });

  let closing: Promise<void> | undefined;
  return {
    url,
    refresh: publish,
    close() {
      closing ??= (async () => {
        clearInterval(heartbeat);
        const stopped = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
        post({ kind: 'stop' });
        const timer = setTimeout(() => void thread.terminate(), 1000);
        await stopped;
        clearTimeout(timer);
      })();
      return closing;
    },
  };
}
