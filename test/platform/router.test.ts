import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startRouter, type Router } from '../../platform/router/router.js';
import type { Upstream } from '../../platform/router/balancer.js';

/** A stand-in instance: answers every request with its name; the real service is tested in test/rollout. */
async function fakeInstance(name: string): Promise<{ port: number; close(): Promise<void>; seen: string[] }> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url} ${body}`);
      res.writeHead(200, { 'content-type': 'application/json', connection: 'keep-alive' });
      res.end(JSON.stringify({ instance: name, body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(): Promise<{ router: Router; stable: Awaited<ReturnType<typeof fakeInstance>>; canary: Awaited<ReturnType<typeof fakeInstance>>; pool: Upstream[] }> {
  const stable = await fakeInstance('stable-1');
  const canary = await fakeInstance('canary-1');
  const router = await startRouter({ port: 0 });
  cleanups.push(() => stable.close(), () => canary.close(), () => router.close());
  const pool: Upstream[] = [
    { name: 'stable-1', role: 'stable', version: '1', host: '127.0.0.1', port: stable.port },
    { name: 'canary-1', role: 'canary', version: '2', host: '127.0.0.1', port: canary.port },
  ];
  return { router, stable, canary, pool };
}

const infer = (url: string, path = '/v2/models/penguins/infer') =>
  fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"inputs":[]}' });

describe('weighted router', () => {
  it('forwards by weight and names the variant that answered', async () => {
    const { router, pool } = await setup();
    router.setPool(pool, { stable: 50, baseline: 0, canary: 50 });
    const variants: string[] = [];
    for (let i = 0; i < 10; i++) {
      const res = await infer(router.url);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { instance: string; body: string };
      expect(body.body).toBe('{"inputs":[]}');
      variants.push(res.headers.get('x-keelson-variant')!);
    }
    expect(variants.filter((v) => v === 'canary')).toHaveLength(5);
    router.setPool(pool, { stable: 100, baseline: 0, canary: 0 });
    for (let i = 0; i < 5; i++) expect((await infer(router.url)).headers.get('x-keelson-variant')).toBe('stable');
  });

  it('retries an inference on another instance when the connection to a dead one fails', async () => {
    const { router, canary, pool } = await setup();
    await canary.close();
    router.setPool(pool, { stable: 50, baseline: 0, canary: 50 });
    for (let i = 0; i < 6; i++) {
      const res = await infer(router.url);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-keelson-variant')).toBe('stable');
    }
    const metrics = await (await fetch(`${router.url}/metrics`)).text();
    expect(metrics).toMatch(/keelson_router_retries_total\{variant="canary"\} [1-9]/);
    expect(metrics).toMatch(/keelson_router_requests_total\{variant="stable",code="200"\} 6/);
  });

  it('retries on a fresh connection when a kept-alive one turns out to be closed (only one instance)', async () => {
    // Each connection serves one request, then is dropped on the next: the race of an instance closing an idle connection.
    const served = new WeakMap<object, number>();
    const server = http.createServer((req, res) => {
      const n = (served.get(req.socket) ?? 0) + 1;
      served.set(req.socket, n);
      if (n > 1) return void req.socket.destroy();
      req.resume();
      req.on('end', () => res.end('{"ok":true}'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const router = await startRouter({ port: 0 });
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())), () => router.close());
    router.setPool([{ name: 'only', role: 'stable', version: '1', host: '127.0.0.1', port: (server.address() as AddressInfo).port }], { stable: 100, baseline: 0, canary: 0 });
    for (let i = 0; i < 5; i++) expect((await infer(router.url)).status).toBe(200);
    const metrics = await (await fetch(`${router.url}/metrics`)).text();
    expect(metrics).toMatch(/keelson_router_upstream_failures_total\{variant="stable",reason="ECONNRESET"\} [1-9]/);
  });

  it('does not retry a non-idempotent request', async () => {
    const { router, canary, pool } = await setup();
    await canary.close();
    router.setPool([pool[1]!, pool[0]!], { stable: 0, baseline: 0, canary: 100 });
    const res = await fetch(`${router.url}/v2/repository/models/penguins/load`, { method: 'POST' });
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: string }).error).toContain('canary-1');
  });

  it('answers 503 with no instance, and exports the weights', async () => {
    const { router } = await setup();
    expect((await infer(router.url)).status).toBe(503);
    router.setPool([], { stable: 90, baseline: 5, canary: 5 });
    const metrics = await (await fetch(`${router.url}/metrics`)).text();
    expect(metrics).toContain('keelson_rollout_weight{variant="canary"} 5');
    expect(metrics).toContain('keelson_rollout_weight{variant="stable"} 90');
  });

  it('pins version-addressed requests to that version', async () => {
    const { router, pool } = await setup();
    router.setPool(pool, { stable: 100, baseline: 0, canary: 0 });
    const res = await infer(router.url, '/v2/models/penguins/versions/2/infer');
    expect(res.headers.get('x-keelson-variant')).toBe('canary');
  });
});
