import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PlatformClient } from '../../platform/client.js';
import { ensureControlToken, tokenMatches } from '../../platform/control-token.js';
import { PlatformUnauthorized } from '../../platform/errors.js';
import type { RouterInfo } from '../../platform/router/pool.js';
import { isAlive, readState } from '../../platform/state.js';
import { keelson, killAll, routerPid, startDetachedPlatform, tempHome, whoAnswers, type DetachedPlatform } from './harness.js';

// Probes of a real platform (`keelson up --detach`) from the outside: a local process without the token, a web
// page's cross-site request, a DNS-rebound Host, a huge body. Each must be refused with nothing changed.
let platform: DetachedPlatform;
let token: string;
let controlUrl: string;
let adminUrl: string;
beforeAll(async () => {
  platform = await startDetachedPlatform('1');
  token = readFileSync(platform.paths.controlToken, 'utf8').trim();
  controlUrl = platform.state().platform!.controlUrl;
  adminUrl = (JSON.parse(readFileSync(platform.paths.router, 'utf8')) as RouterInfo).adminUrl;
}, 180_000);
afterAll(async () => {
  await platform?.stop();
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request over node:http, so that Host and Origin can be anything (fetch sets them itself). */
function send(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, method, path, headers, timeout: 10_000 }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 10 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

const bearer = (value: string) => ({ authorization: `Bearer ${value}` });
const json = { 'content-type': 'application/json' };
const toCanary = JSON.stringify({ stable: 0, baseline: 0, canary: 100 });
const error = (answer: Answer) => (JSON.parse(answer.body) as { error: string }).error;

/** What an attacker would want to change: where traffic goes, what runs, whether the platform runs. */
function snapshot() {
  const state = platform.state();
  return { weights: state.weights, instances: state.instances.map((i) => i.name), pid: state.platform?.pid, rollout: state.rollout };
}

function rssKiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}

describe('the control API asks for the platform\'s token (real platform)', { timeout: 60_000 }, () => {
  it('keeps the token in a file of mode 600 beside state.json', () => {
    expect(statSync(platform.paths.controlToken).mode & 0o777).toBe(0o600);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses every control call without a token (401, WWW-Authenticate: Bearer) and changes nothing', async () => {
    const before = snapshot();
    const calls: Array<[string, string, string | undefined]> = [
      ['GET', '/v1/state', undefined],
      ['PUT', '/v1/weights', toCanary],
      ['POST', '/v1/instances', JSON.stringify({ role: 'canary', version: '2' })],
      ['POST', '/v1/rollouts/current/promote', '{}'],
      ['POST', '/v1/shutdown', undefined],
    ];
    for (const [method, path, body] of calls) {
      const answer = await send(controlUrl, method, path, body === undefined ? {} : json, body);
      expect(answer.status, `${method} ${path}`).toBe(401);
      expect(answer.headers['www-authenticate']).toMatch(/^Bearer /);
      expect(error(answer)).toContain(platform.paths.controlToken);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(snapshot()).toEqual(before);
    expect(isAlive(before.pid)).toBe(true);
  });

  it('refuses a wrong token, of the right length or not (401), and changes nothing', async () => {
    const before = snapshot();
    const sameLength = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const wrong of [sameLength, 'x', `${token}x`]) {
      const answer = await send(controlUrl, 'PUT', '/v1/weights', { ...bearer(wrong), ...json }, toCanary);
      expect(answer.status).toBe(401);
      expect(answer.body).not.toContain(token);
    }
    expect(snapshot()).toEqual(before);
  });

  it('refuses a web page\'s cross-site POST (text/plain, foreign Origin) and a non-JSON body even with the token', async () => {
    const before = snapshot();
    const page = { origin: 'http://evil.example', 'content-type': 'text/plain;charset=UTF-8' };
    const crossSite = await send(controlUrl, 'PUT', '/v1/weights', page, toCanary);
    expect(crossSite.status).toBe(403);
    expect(error(crossSite)).toContain(`"http://evil.example"`);
    expect((await send(controlUrl, 'POST', '/v1/shutdown', page)).status).toBe(403);
    const plain = await send(controlUrl, 'PUT', '/v1/weights', { ...bearer(token), 'content-type': 'text/plain' }, toCanary);
    expect(plain.status).toBe(415);
    expect(error(plain)).toBe(`Content-Type "text/plain" is not accepted: expected application/json`);
    const undeclared = await send(controlUrl, 'PUT', '/v1/weights', bearer(token), toCanary);
    expect(undeclared.status).toBe(415);
    expect(snapshot()).toEqual(before);
  });

  it('refuses a Host that is not loopback (a DNS-rebound name), even with the token', async () => {
    const before = snapshot();
    for (const [method, path, body] of [['GET', '/v1/state', undefined], ['PUT', '/v1/weights', toCanary]] as const) {
      const answer = await send(controlUrl, method, path, { ...bearer(token), ...json, host: 'evil.example' }, body);
      expect(answer.status).toBe(421);
      expect(error(answer)).toContain('"evil.example"');
    }
    expect(snapshot()).toEqual(before);
  });

  it('answers an unauthenticated /healthz with nothing but "ok"', async () => {
    const answer = await send(controlUrl, 'GET', '/healthz');
    expect(answer).toMatchObject({ status: 200, body: '{"status":"ok"}' });
  });

  it('still answers the token\'s holders: the client, and `keelson status`, which print no token', async () => {
    expect((await platform.client.view()).state.weights).toEqual({ stable: 100, baseline: 0, canary: 0 });
    const status = await keelson(['status'], { KEELSON_HOME: platform.paths.root });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain('penguins');
    expect(`${status.stdout}${status.stderr}`).not.toContain(token);
  });

  it('says which token file a client read when the platform refuses it, never the token', async () => {
    const elsewhere = tempHome();
    const missing = await new PlatformClient(controlUrl, { tokenFile: elsewhere.controlToken }).view().catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(PlatformUnauthorized);
    expect((missing as Error).message).toContain(`no token file at ${elsewhere.controlToken}`);
  });
});

describe('a huge body cannot stall the process that routes the traffic (real platform)', { timeout: 60_000 }, () => {
  it('answers 413 to 200 MB streamed without a length, quickly, without growing, and routing goes on', async () => {
    const pid = platform.state().platform!.pid;
    const rssBefore = rssKiB(pid);
    const { hostname, port } = new URL(controlUrl);
    const started = Date.now();
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const answer = await new Promise<Answer>((resolve, reject) => {
      let answered = false;
      const req = http.request({ host: hostname, port, method: 'PUT', path: '/v1/weights', headers: { ...bearer(token), ...json, 'transfer-encoding': 'chunked' } }, (res) => {
        answered = true;
        let text = '';
        res.on('data', (c: Buffer) => (text += c));
        res.on('end', () => (resolve({ status: res.statusCode!, headers: res.headers, body: text }), req.destroy()));
      });
      // Once answered, the platform may cut the connection while bytes are still on their way: expected.
      req.on('error', (e) => answered || reject(e));
      const pump = (): void => {
        while (!answered && sent < 200 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!answered) req.end();
      };
      pump();
    });
    const tookMs = Date.now() - started;
    console.info(`200 MB streamed: ${answer.status} after ${tookMs} ms and ${Math.round(sent / 1024)} KiB sent; RSS ${rssBefore} → ${rssKiB(pid)} KiB`);
    expect(answer.status, answer.body).toBe(413);
    expect(error(answer)).toBe('request body is larger than 16384 bytes: expected a JSON object of at most 16384 bytes');
    expect(sent).toBeLessThan(100 * 1024 * 1024);
    expect(tookMs).toBeLessThan(3_000);
    expect(rssKiB(pid) - rssBefore).toBeLessThan(16 * 1024);
    expect((await whoAnswers(platform.routerUrl, 5)).versions).toEqual(new Set(['1']));
  });

  it('answers 413 from a Content-Length of 200 MB before reading the body', async () => {
    const answer = await send(controlUrl, 'PUT', '/v1/weights', { ...bearer(token), ...json, 'content-length': String(200 * 1024 * 1024) });
    expect(answer.status).toBe(413);
    expect(platform.state().weights).toEqual({ stable: 100, baseline: 0, canary: 0 });
  });
});

describe('the router\'s admin API asks for the same token (real router process)', { timeout: 60_000 }, () => {
  it('refuses a pool or a state request without the token, from a web page, or for another Host', async () => {
    const pool = JSON.stringify({ generation: 1_000_000, upstreams: [], weights: { stable: 0, baseline: 0, canary: 100 }, verdict: null });
    for (const [headers, status] of [
      [json, 401],
      [{ ...json, ...bearer('x'.repeat(43)) }, 401],
      [{ origin: 'http://evil.example', 'content-type': 'text/plain' }, 403],
      [{ ...json, ...bearer(token), host: 'evil.example' }, 421],
    ] as const) {
      expect((await send(adminUrl, 'PUT', '/v1/pool', headers, pool)).status).toBe(status);
    }
    expect((await send(adminUrl, 'GET', '/v1/state')).status).toBe(401);
    const view = await send(adminUrl, 'GET', '/v1/state', bearer(token));
    expect(view.status).toBe(200);
    expect((JSON.parse(view.body) as { weights: unknown }).weights).toEqual({ stable: 100, baseline: 0, canary: 0 });
    expect((await whoAnswers(platform.routerUrl, 5)).versions).toEqual(new Set(['1']));
  });
});

describe('the token after a restart, and where it never appears (real processes)', { timeout: 240_000 }, () => {
  it('a platform killed and started again keeps the token: the adopted router and an existing client keep working', async () => {
    const router = routerPid(platform.paths);
    const first = platform.state().platform!.pid;
    process.kill(first, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    const up = await keelson(['up', '--models', inject('modelsDir'), '--port', '0', '--detach'], { KEELSON_HOME: platform.paths.root });
    expect(up.code, up.stderr).toBe(0);
    const second = readState(platform.paths.state)!.platform!.pid;
    try {
      expect(readFileSync(platform.paths.controlToken, 'utf8').trim()).toBe(token);
      expect(routerPid(platform.paths)).toBe(router);
      const client = new PlatformClient(readState(platform.paths.state)!.platform!.controlUrl, { tokenFile: platform.paths.controlToken });
      expect((await client.view()).state.platform?.pid).toBe(second);
      expect((await whoAnswers(platform.routerUrl, 5)).versions).toEqual(new Set(['1']));
    } finally {
      await keelson(['down'], { KEELSON_HOME: platform.paths.root });
      killAll([second]);
    }
  });

  it('is in no log, no state file and no status output', async () => {
    const files = [platform.paths.state, ...readdirSync(platform.paths.logs).map((f) => join(platform.paths.logs, f))];
    for (const file of files) expect(readFileSync(file, 'utf8'), file).not.toContain(token);
  });
});

describe('the token file', () => {
  it('is made once with mode 600 and then reused; one open to others or holding no token is refused, naming the file', () => {
    const { controlToken: file } = tempHome();
    const made = ensureControlToken(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(ensureControlToken(file)).toBe(made);
    chmodSync(file, 0o644);
    expect(() => ensureControlToken(file)).toThrow(new PlatformUnauthorized(`the control token file ${file} is open to other users (mode 644): expected mode 600; run \`chmod 600 ${file}\``));
    writeFileSync(file, 'guessable\n', { mode: 0o600 });
    chmodSync(file, 0o600);
    expect(() => ensureControlToken(file)).toThrow(/holds no keelson token .*: delete it and restart the platform/);
  });

  it('compares tokens whatever their lengths', () => {
    expect(tokenMatches('a'.repeat(43), 'a'.repeat(43))).toBe(true);
    expect(tokenMatches('a'.repeat(42), 'a'.repeat(43))).toBe(false);
    expect(tokenMatches('', 'a'.repeat(43))).toBe(false);
  });
});
