/** A closed-loop HTTP/1.1 client: `connections` keep-alive connections, each sending the next body as soon as its answer is read. */
import http from 'node:http';

/** One prepared request: same path, a body and its headers. */
export interface PreparedRequest {
  body: Buffer;
  headers: Record<string, string>;
}

/** What a load run saw. */
export interface ClientRun {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  firstError?: string;
}

/** Sends `request` over `connections` connections for `seconds`; every answer must be 200. */
export async function closedLoop(url: string, request: PreparedRequest, connections: number, seconds: number): Promise<ClientRun> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(url);
  const headers = { ...request.headers, 'content-length': String(request.body.length) };
  let requests = 0;
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const one = (): Promise<void> => new Promise((resolve) => {
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        if (res.statusCode === 200) requests++;
        else {
          errors++;
          firstError ??= `${res.statusCode}: ${Buffer.concat(chunks).toString('utf8', 0, 300)}`;
        }
        resolve();
      });
    });
    req.on('error', (error) => {
      errors++;
      firstError ??= error.message;
      resolve();
    });
    req.end(request.body);
  });
  await Promise.all(Array.from({ length: connections }, async () => {
    while (performance.now() < deadline) await one();
  }));
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return { requests, errors, seconds: elapsed, rps: requests / elapsed, ...(firstError ? { firstError } : {}) };
}
