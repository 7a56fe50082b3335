/**
 * Body of the probe thread: the `--metrics-port` server. Health probes are answered here, from state the
 * serving thread publishes, so they never wait behind inference traffic on the serving thread's event loop;
 * liveness is that thread's heartbeat. Scrapes of `/metrics` are forwarded to the serving thread, which owns
 * the registry.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parentPort } from 'node:worker_threads';
import { serverTimeoutOptions } from './http-timeouts.js';
import type { FromProbeThread, ToProbeThread } from './probe-messages.js';

const port = parentPort;
if (!port) throw new Error('probe-thread must run in a worker thread');
const send = (message: FromProbeThread): void => port.postMessage(message);

let beat: BigInt64Array<ArrayBufferLike> = new BigInt64Array(1);
let stallMs = 5000;
let readiness = { status: 503, body: JSON.stringify({ ready: false, error: 'not ready: starting' }) };
const scrapes = new Map<number, ServerResponse>();
let nextScrape = 1;

const json = (response: ServerResponse, status: number, body: string): void => {
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
};

/** Milliseconds since the serving thread last ran its heartbeat timer. */
const stalledFor = (): number => Date.now() - Number(Atomics.load(beat, 0));

// Created on `start`: node:http takes how often it checks the client timeouts only at construction.
let server: Server | undefined;

function serveProbe(request: IncomingMessage, response: ServerResponse): void {
  const path = (request.url ?? '').split('?')[0];
  if (request.method !== 'GET' && request.method !== 'HEAD') return json(response, 405, JSON.stringify({ error: `${request.method} is not served on this port; use GET` }));
  const stalled = stalledFor();
  const stuck = stalled > stallMs ? `the serving thread has not run for ${(stalled / 1000).toFixed(1)} s (limit ${stallMs / 1000} s)` : undefined;
  if (path === '/v2/health/live') return json(response, stuck ? 503 : 200, JSON.stringify(stuck ? { live: false, error: stuck } : { live: true }));
  if (path === '/v2/health/ready') return stuck ? json(response, 503, JSON.stringify({ ready: false, error: stuck })) : json(response, readiness.status, readiness.body);
  if (path === '/metrics') {
    const id = nextScrape++;
    scrapes.set(id, response);
    response.once('close', () => scrapes.delete(id));
    return send({ kind: 'metrics', id });
  }
  return json(response, 404, JSON.stringify({ error: `no route for ${request.method} ${path?.slice(0, 200)} on this port: GET /metrics, /v2/health/live, /v2/health/ready` }));
}

port.on('message', (message: ToProbeThread) => {
  switch (message.kind) {
    case 'start':
      beat = new BigInt64Array(message.beat);
      stallMs = message.stallMs;
      server = createServer(serverTimeoutOptions(message.httpTimeouts), serveProbe);
      server.once('error', (error) => send({ kind: 'failed', message: error.message }));
      server.listen(message.port, message.host, function onListening(this: Server) {
        const address = this.address() as AddressInfo;
        const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        send({ kind: 'listening', url: `http://${host}:${address.port}` });
      });
      return;
    case 'readiness':
      readiness = { status: message.status, body: message.body };
      return;
    case 'metrics': {
      const response = scrapes.get(message.id);
      scrapes.delete(message.id);
      if (response && !response.destroyed) response.writeHead(200, { 'content-type': message.contentType }).end(message.body);
      return;
    }
    case 'stop':
      if (!server) {
        send({ kind: 'stopped' });
        port.close();
        return;
      }
      server.close(() => {
        send({ kind: 'stopped' });
        port.close();
      });
      server.closeAllConnections();
  }
});
