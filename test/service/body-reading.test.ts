import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServer, type RunningServer } from '../../service/src/server/start-server.js';
import { captureLogger } from './capture-logger.js';

const modelsDir = inject('modelsDir');
const BODY = JSON.stringify({ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: [39.1, 18.7, 181, 3750] }] });

/** Sends raw bytes in parts (with pauses between them) on one connection; resolves with the status line and body. */
function rawRequest(url: string, parts: string[], pauseMs = 50): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
      const end = received.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(received)?.[1];
      if (end >= 0 && length !== undefined && received.length >= end + 4 + Number(length)) {
        socket.destroy();
        resolve({ status: Number(received.slice(9, 12)), body: received.slice(end + 4, end + 4 + Number(length)) });
      }
    });
    socket.on('error', reject);
    void (async () => {
      for (const part of parts) {
        socket.write(part);
        await new Promise((r) => setTimeout(r, pauseMs));
      }
    })();
  });
}

describe('request bodies on real sockets', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ modelsDir, models: ['penguins:2'], port: 0, workers: 1, bodyLimitBytes: 1024, logger: captureLogger().logger });
    await server.loaded;
  });
  afterAll(() => server.close());

  const head = (length: number | 'chunked') =>
    `POST /v2/models/penguins/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${length === 'chunked' ? 'Transfer-Encoding: chunked' : `Content-Length: ${length}`}\r\n\r\n`;

  it('reads a body that came with the headers, and one that came in later packets, alike', async () => {
    const together = await rawRequest(server.url, [head(BODY.length) + BODY]);
    const split = await rawRequest(server.url, [head(BODY.length), BODY.slice(0, 20), BODY.slice(20)]);
    expect(together.status).toBe(200);
    expect(split).toEqual(together);
    const chunked = await rawRequest(server.url, [head('chunked'), `${BODY.length.toString(16)}\r\n${BODY}\r\n`, '0\r\n\r\n']);
    expect(chunked).toEqual(together);
  });

  it('answers 413 for a chunked body over --body-limit, whether it arrives at once or in parts, and keeps serving', async () => {
    const big = `{"inputs":[],"pad":"${'x'.repeat(2000)}"}`;
    const chunk = `${big.length.toString(16)}\r\n${big}\r\n0\r\n\r\n`;
    for (const parts of [[head('chunked') + chunk], [head('chunked'), chunk.slice(0, 900), chunk.slice(900)]]) {
      const answer = await rawRequest(server.url, parts);
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toEqual({ error: 'request body: more than 1024 bytes exceeds the limit of 1024 bytes (--body-limit)' });
    }
    expect((await rawRequest(server.url, [head(BODY.length) + BODY])).status).toBe(200);
  });

  it('survives a client that leaves in the middle of a body', async () => {
    const { hostname, port } = new URL(server.url);
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write(head(BODY.length) + BODY.slice(0, 10));
        setTimeout(() => { socket.destroy(); resolve(); }, 50);
      });
    });
    expect((await rawRequest(server.url, [head(BODY.length) + BODY])).status).toBe(200);
    expect(server.isReady()).toBe(true);
  });
});
