import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { killIfRunning, spawnKeelson, waitFor200, type KeelsonProcess } from './serve-process.js';

const modelsDir = inject('modelsDir');
const started: KeelsonProcess[] = [];
afterAll(() => started.forEach(killIfRunning));

function keelson(args: string[], env?: Record<string, string>): KeelsonProcess {
  const process = spawnKeelson(args, env);
  started.push(process);
  return process;
}

const inferBody = JSON.stringify({ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: [39.1, 18.7, 181, 3750] }] });
const infer = (url: string, version: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/v2/models/penguins/versions/${version}/infer`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: inferBody });
const actions = (p: KeelsonProcess) => p.lines.map((l) => (l.event as { action?: string } | undefined)?.action);

describe('keelson serve as a real process', () => {
  it('SIGTERM: readiness goes false, in-flight requests on the slow model finish, the process exits 0', { timeout: 120_000 }, async () => {
    const server = keelson(['serve', '--models', modelsDir, '--model', 'penguins:3', '--port', '0', '--workers', '1', '--max-batch-size', '0', '--drain-timeout', '60s']);
    const url = await server.listening;
    await waitFor200(`${url}/v2/health/ready`);
    const inFlight = Array.from({ length: 4 }, () => infer(url, '3').then(async (r) => ({ status: r.status, body: await r.text() })));
    // Wait until the server really holds requests (the scrape itself counts as one).
    for (let i = 0; i < 200; i++) {
      const scrape = await (await fetch(`${url}/metrics`)).text();
      if (Number(/^http_requests_in_flight (\d+)/m.exec(scrape)?.[1] ?? 0) >= 3) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    server.child.kill('SIGTERM');
    const results = await Promise.all(inFlight);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(await server.exited).toEqual({ code: 0, signal: null });
    const after = await fetch(`${url}/v2/health/ready`).then((r) => r.status, () => 'refused');
    expect(after).toBe('refused');
    const order = actions(server);
    expect(order.indexOf('draining')).toBeGreaterThan(order.indexOf('ready'));
    expect(order.at(-1)).toBe('stopped');
    const stopped = server.lines.at(-1)!;
    expect(stopped).toMatchObject({ keelson: { abandoned: 0 } });
    const draining = server.lines.find((l) => (l.event as { action?: string }).action === 'draining')!;
    expect((draining.keelson as { inFlight: number }).inFlight).toBeGreaterThanOrEqual(2);
  });

  it('survives garbage on the socket and malformed HTTP, then serves a valid request; auth from a token file', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keelson-auth-'));
    writeFileSync(join(dir, 'token'), 'file-token\n');
    const server = keelson(['serve', '--models', modelsDir, '--model', 'penguins:1', '--port', '0', '--workers', '1', '--auth-token-file', join(dir, 'token')]);
    const url = await server.listening;
    await waitFor200(`${url}/v2/health/ready`);
    const { hostname, port } = new URL(url);
    for (const garbage of ['\x00\x01\x02garbage\r\n\r\n', 'GET / HTTP/9.9\r\n\r\n', `POST /v2/models/penguins/infer HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n`, `GET /${'a'.repeat(100_000)} HTTP/1.1\r\n\r\n`]) {
      await new Promise<void>((resolve) => {
        const socket = connect(Number(port), hostname, () => socket.end(garbage));
        socket.on('data', () => undefined);
        socket.on('close', () => resolve());
        socket.on('error', () => resolve());
      });
    }
    expect((await infer(url, '1')).status).toBe(401);
    const ok = await infer(url, '1', { Authorization: 'Bearer file-token' });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { model_version: string }).model_version).toBe('1');
    server.child.kill('SIGINT');
    expect((await server.exited).code).toBe(0);
  });

  it('refuses a bad flag with exit code 2 and a message naming it', { timeout: 120_000 }, async () => {
    const run = keelson(['serve', '--models', modelsDir, '--port', '0', '--model', 'penguins:9']);
    expect((await run.exited).code).toBe(2);
    expect(run.stderr()).toMatch(/keelson: --model penguins:9: no such version in .* \(found: 1, 2, 3, 4, 5, 6\)/);
  });
});
