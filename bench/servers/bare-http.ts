/**
 * Scenario 1, the HTTP ceiling: a bare `node:http` server that reads the request body and answers with a fixed
 * OIP response of the same size as the service's (penguins v2, one row). Run as its own process:
 * `node --import tsx bench/servers/bare-http.ts`; prints `listening on URL`. With `BENCH_HTTP_PROCESSES=N`, N such
 * processes share the port through Node's cluster module (the reference for `keelson serve --http-workers N`).
 */
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FIXED_RESPONSE_TEXT } from './fixed-response.js';

const RESPONSE = Buffer.from(FIXED_RESPONSE_TEXT);
const PROCESSES = Number(process.env.BENCH_HTTP_PROCESSES ?? 1);

if (PROCESSES > 1 && cluster.isPrimary) {
  for (let i = 0; i < PROCESSES; i++) cluster.fork();
  process.once('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
    process.exit(0);
  });
} else serve();

function serve(): void {
  const server = createServer((request, response) => {
    request.resume();
    request.once('end', () => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': RESPONSE.length });
      response.end(RESPONSE);
    });
  });

  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    console.log(`listening on http://127.0.0.1:${port}`);
  });
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}
