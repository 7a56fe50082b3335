import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceMetrics } from '../../service/src/metrics/service-metrics.js';
import { startProbeServer, type ProbeServer } from '../../service/src/server/probe-server.js';

/**
 * GET a URL from a child process while this thread is blocked (`spawnSync` does not return to the event
 * loop), which is what a saturated serving thread looks like to the probe thread.
 */
function getWhileBlocked(url: string, blockMs = 0): { status: number; body: unknown } {
  const script = `setTimeout(async () => { const r = await fetch(${JSON.stringify(url)}); console.log(JSON.stringify({ status: r.status, body: await r.json() })); }, ${blockMs});`;
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
  if (child.status !== 0) throw new Error(`probe request failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as { status: number; body: unknown };
}

describe('probe thread (--metrics-port)', () => {
  let server: ProbeServer | undefined;
  afterEach(async () => server?.close());

  it('answers health while the serving thread is blocked, and fails liveness once it has stalled too long', async () => {
    let ready = false;
    server = await startProbeServer({
      host: '127.0.0.1', port: 0, metrics: new ServiceMetrics({ defaultMetrics: false }), stallMs: 1500, heartbeatMs: 20,
      readiness: () => (ready ? { status: 200, body: { ready: true } } : { status: 503, body: { ready: false, error: 'not ready: penguins:2 loading' } }),
    });
    await new Promise((r) => setTimeout(r, 100));
    // this thread is blocked for the whole request: the answer comes from the probe thread alone
    expect(getWhileBlocked(`${server.url}/v2/health/ready`)).toEqual({ status: 503, body: { ready: false, error: 'not ready: penguins:2 loading' } });
    expect(getWhileBlocked(`${server.url}/v2/health/live`)).toEqual({ status: 200, body: { live: true } });
    ready = true;
    await expect.poll(() => getWhileBlocked(`${server!.url}/v2/health/ready`).status).toBe(200);
    // blocked for longer than stallMs: liveness and readiness both say why
    const stalled = getWhileBlocked(`${server.url}/v2/health/live`, 2000);
    expect(stalled.status).toBe(503);
    expect(stalled.body).toMatchObject({ live: false, error: expect.stringMatching(/the serving thread has not run for \d+\.\d s \(limit 1.5 s\)/) });
    expect(getWhileBlocked(`${server.url}/v2/health/ready`).status).toBe(503);
    // back on its feet after one heartbeat
    await new Promise((r) => setTimeout(r, 100));
    expect(getWhileBlocked(`${server.url}/v2/health/live`).status).toBe(200);
  });

  it('forwards /metrics scrapes to the serving thread and names a port it cannot listen on', async () => {
    const metrics = new ServiceMetrics({ defaultMetrics: false });
    metrics.info.set({ model: 'penguins', version: '2', sha256: 'abc' }, 1);
    server = await startProbeServer({ host: '127.0.0.1', port: 0, metrics, readiness: () => ({ status: 200, body: { ready: true } }) });
    const res = await fetch(`${server.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toContain('model_info{model="penguins",version="2",sha256="abc"} 1');
    const port = Number(new URL(server.url).port);
    await expect(startProbeServer({ host: '127.0.0.1', port, metrics, readiness: () => ({ status: 200, body: {} }) })).rejects.toThrow(/EADDRINUSE/);
  });
});
