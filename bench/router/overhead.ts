/**
 * Router overhead benchmark (`npm run bench:router`): the same requests sent directly to an instance and
 * through the weighted router, one at a time over keep-alive connections, in alternating rounds so
 * machine-load drift hits both equally. Reports the p50/p90/p99 of each and the difference.
 *
 *   npm run bench:router                       # against a minimal upstream: the router's own cost
 *   npm run bench:router -- --service DIR      # against a real `keelson serve` instance of penguins:1
 */
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../steps/ports.js';
import { startRouter } from '../../platform/router/router.js';
import { inferBody, penguinRows, rowPicker } from '../../platform/traffic/requests.js';

const args = process.argv.slice(2);
const serviceDir = args.includes('--service') ? args[args.indexOf('--service') + 1] : undefined;
const rounds = 10;
const perRound = Number(process.env.BENCH_REQUESTS_PER_ROUND ?? 300);

async function minimalUpstream(): Promise<{ port: number; stop(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"model_name":"penguins","model_version":"1","outputs":[]}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, stop: () => new Promise((r) => server.close(() => r())) };
}

async function realService(dir: string): Promise<{ port: number; stop(): Promise<void> }> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['bin/keelson.mjs', 'serve', '--models', dir, '--model', 'penguins:1', '--port', String(port), '--log-level', 'warn'], { stdio: 'ignore' });
  for (let i = 0; i < 600; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/v2/health/ready`).then((r) => r.ok, () => false);
    if (ok) break;
    await sleep(100);
  }
  return { port, stop: async () => void child.kill('SIGTERM') };
}

function post(agent: http.Agent, port: number, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/v2/models/penguins/infer', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(Number(process.hrtime.bigint() - t0) / 1e6));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

async function main(): Promise<void> {
  const upstream = serviceDir ? await realService(serviceDir) : await minimalUpstream();
  const router = await startRouter({ port: 0 });
  router.setPool([{ name: 'bench', role: 'stable', version: '1', host: '127.0.0.1', port: upstream.port }], { stable: 100, baseline: 0, canary: 0 });
  const routerPort = router.port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const next = rowPicker(penguinRows());
  const direct: number[] = [];
  const routed: number[] = [];
  for (let i = 0; i < 50; i++) {
    await post(agent, upstream.port, inferBody(next()));
    await post(agent, routerPort, inferBody(next()));
  }
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < perRound; i++) direct.push(await post(agent, upstream.port, inferBody(next())));
    for (let i = 0; i < perRound; i++) routed.push(await post(agent, routerPort, inferBody(next())));
  }
  agent.destroy();
  await router.close();
  await upstream.stop();
  direct.sort((a, b) => a - b);
  routed.sort((a, b) => a - b);
  const row = (q: number) => ({ q, direct: quantile(direct, q), router: quantile(routed, q), added: quantile(routed, q) - quantile(direct, q) });
  const rows = [0.5, 0.9, 0.99].map(row);
  console.log(`router overhead, ${direct.length} requests each way, upstream: ${serviceDir ? 'keelson serve penguins:1' : 'minimal HTTP server'}`);
  console.log('quantile   direct ms   router ms   added ms');
  for (const r of rows) console.log(`p${String(r.q * 100).padEnd(8)} ${r.direct.toFixed(3).padStart(9)} ${r.router.toFixed(3).padStart(11)} ${r.added.toFixed(3).padStart(10)}`);
  const p50 = rows[0]!.added;
  console.log(p50 <= 1 ? `OK: the router adds ${p50.toFixed(3)} ms at p50 (target ≤ 1 ms)` : `OVER TARGET: the router adds ${p50.toFixed(3)} ms at p50 (target ≤ 1 ms)`);
  if (args.includes('--json')) console.log(JSON.stringify({ rows, requests: direct.length }));
}

await main();
