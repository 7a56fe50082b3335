/**
 * Scenario 1, the HTTP ceiling: a bare `node:http` server that reads the request body and answers with a fixed
 * OIP response of the same size as the service's (penguins v2, one row). Run as its own process:
 * `node --import tsx bench/servers/bare-http.ts`; prints `listening on URL`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const RESPONSE = Buffer.from(
  JSON.stringify({
    model_name: 'penguins',
    model_version: '2',
    outputs: [
      { name: 'probabilities', datatype: 'FP32', shape: [1, 3], data: [0.9999909400939941, 0.00000897227982932236, 1.5206786940780148e-7] },
      { name: 'label', datatype: 'INT64', shape: [1], data: [0] },
    ],
  }),
);

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
