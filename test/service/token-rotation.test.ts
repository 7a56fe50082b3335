import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { killIfRunning, spawnKeelson, waitFor200, type KeelsonProcess } from './serve-process.js';

const modelsDir = inject('modelsDir');
const RELOAD = 200;
let server: KeelsonProcess | undefined;
afterAll(() => killIfRunning(server));

/**
 * A Secret volume the way the kubelet writes one: `tokens` → `..data/tokens`, `..data` → a timestamped directory,
 * and an update swaps the `..data` link atomically (the file `tokens` itself never changes).
 */
function secretVolume() {
  const dir = mkdtempSync(join(tmpdir(), 'keelson-secret-'));
  let generation = 0;
  const write = (content: string) => {
    const target = `..${++generation}`;
    mkdirSync(join(dir, target));
    writeFileSync(join(dir, target, 'tokens'), content);
    symlinkSync(target, join(dir, '..data_tmp'));
    renameSync(join(dir, '..data_tmp'), join(dir, '..data'));
  };
  return { dir, file: join(dir, 'tokens'), write, link: () => symlinkSync(join('..data', 'tokens'), join(dir, 'tokens')) };
}

const inferBody = JSON.stringify({ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: [39.1, 18.7, 181, 3750] }] });
/** The fast path (POST …/infer) and a Hono route behind the same check (model metadata). */
const infer = (url: string, token: string) =>
  fetch(`${url}/v2/models/penguins/versions/1/infer`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` }, body: inferBody }).then((r) => r.status);
const metadata = (url: string, token: string) => fetch(`${url}/v2/models/penguins/versions/1`, { headers: { Authorization: `Bearer ${token}` } }).then((r) => r.status);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('rotating the bearer token of a running keelson serve', () => {
  it('accepts every token of the file, drops a removed one within the reload interval, never fails the new one, never logs a token', { timeout: 120_000 }, async () => {
    const oldToken = `old-${randomUUID()}`;
    const newToken = `new-${randomUUID()}`;
    const volume = secretVolume();
    volume.write(`# rotation in progress\n${oldToken}\n\n  ${newToken}  \n`);
    volume.link();
    server = spawnKeelson(['serve', '--models', modelsDir, '--model', 'penguins:1', '--port', '0', '--metrics-port', '0', '--workers', '1', '--auth-token-file', volume.file], { KEELSON_AUTH_RELOAD_INTERVAL: `${RELOAD}ms` });
    const url = await server.listening;
    await waitFor200(`${url}/v2/health/ready`);

    for (const token of [oldToken, newToken]) {
      expect(await infer(url, token)).toBe(200);
      expect(await metadata(url, token)).toBe(200);
    }
    expect(await infer(url, 'neither')).toBe(401);

    // A client on the new token keeps sending throughout the rotation; every one of its answers must be 200.
    const newStatuses: number[] = [];
    let sending = true;
    const client = (async () => {
      while (sending) newStatuses.push(await infer(url, newToken), await metadata(url, newToken));
    })();

    await sleep(3 * RELOAD);
    const removedAt = Date.now();
    volume.write(`${newToken}\n`);
    const oldStatuses: number[] = [];
    while ((oldStatuses.at(-1) ?? 200) === 200 && Date.now() - removedAt < 10_000) oldStatuses.push(await infer(url, oldToken));
    const revokedAfterMs = Date.now() - removedAt;
    expect(oldStatuses.at(-1)).toBe(401);
    expect(revokedAfterMs).toBeLessThan(RELOAD * 5);
    expect(oldStatuses.filter((s) => s !== 200 && s !== 401)).toEqual([]);
    // Once refused, refused on both paths from then on.
    expect([await infer(url, oldToken), await metadata(url, oldToken)]).toEqual([401, 401]);

    // A Secret emptied by mistake keeps the tokens read before (and says so once), rather than locking everyone out.
    volume.write('# nothing yet\n');
    await sleep(4 * RELOAD);
    expect(await infer(url, newToken)).toBe(200);
    expect(await infer(url, oldToken)).toBe(401);

    sending = false;
    await client;
    expect(newStatuses.length).toBeGreaterThan(10);
    expect(newStatuses.filter((s) => s !== 200)).toEqual([]);

    // Probes and metrics stay open: the kubelet and Prometheus carry no token.
    const probeUrl = (server.lines.find((l) => (l.keelson as { metricsUrl?: string } | undefined)?.metricsUrl)!.keelson as { metricsUrl: string }).metricsUrl;
    for (const open of [`${url}/metrics`, `${url}/v2/health/ready`, `${probeUrl}/metrics`, `${probeUrl}/v2/health/live`]) expect((await fetch(open)).status).toBe(200);

    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
    const actions = server.lines.map((l) => (l.event as { action?: string } | undefined)?.action);
    expect(actions.filter((a) => a === 'auth_tokens_reloaded')).toHaveLength(1);
    expect(actions.filter((a) => a === 'auth_tokens_kept')).toHaveLength(1);
    const kept = server.lines.find((l) => (l.event as { action?: string }).action === 'auth_tokens_kept')!;
    expect(kept).toMatchObject({ 'log.level': 'warn', message: expect.stringMatching(/holds no token .*keeping the 1 token\(s\)/) as unknown });
    const everything = JSON.stringify(server.lines) + server.stderr();
    expect(everything).not.toContain(oldToken);
    expect(everything).not.toContain(newToken);
  });
});
