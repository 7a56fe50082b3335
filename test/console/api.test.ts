import { inject, afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorSchema, overviewSchema, qualitySchema, rolloutListSchema, sessionSchema } from '../../console/api-schema.js';
import { consoleLink } from '../../console/login-link.js';
import { mountConsole } from '../../console/server/index.js';
import { ConsoleSessions, LOGIN_CODE_TTL_MS } from '../../console/server/auth.js';
import { startPlatform, type Platform } from '../../platform/platform.js';
import { tempHome } from '../platform/harness.js';

let platform: Platform;
let base: string;

beforeAll(async () => {
  platform = await startPlatform({ modelsDir: inject('modelsDir'), model: 'penguins', version: '2', paths: tempHome(), port: 0, drainTimeoutMs: 5_000, readyTimeoutMs: 90_000, mount: mountConsole });
  base = `${platform.controlUrl}/console/`;
});
afterAll(async () => platform?.stop());

const get = (path: string, init?: RequestInit) => fetch(new URL(path, base), init);
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(new URL(path, base), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), redirect: 'manual' });

async function login(): Promise<string> {
  const link = await consoleLink({ paths: platform.paths, login: true });
  const response = await fetch(link.loginUrl!, { redirect: 'manual' });
  expect(response.status).toBe(303);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

describe('console JSON API (real platform, real HTTP)', () => {
  it('serves the page and bundle without the control token anywhere in them', async () => {
    const page = await get('');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    const js = await (await get('assets/app.js')).text();
    const token = (await import('node:fs')).readFileSync(platform.paths.controlToken, 'utf8').trim();
    expect(html).toContain('assets/app.js');
    expect(html + js).not.toContain(token);
  });

  it('answers the overview, history and quality in their schemas', async () => {
    const overview = overviewSchema.parse(await (await get('api/overview')).json());
    expect(overview).toMatchObject({ model: 'penguins', stable: '2', weights: { stable: 100, baseline: 0, canary: 0 }, rollout: null });
    expect(overview.instances.map((i) => [i.role, i.status])).toEqual([['stable', 'ready']]);
    expect(rolloutListSchema.parse(await (await get('api/rollouts')).json())).toEqual({ rollouts: [] });
    const quality = qualitySchema.parse(await (await get('api/quality')).json());
    expect(quality.versions[0]!.classMix.map((c) => c.label)).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
  });

  it.each([
    ['api/rollouts?limit=0', "'limit' \"0\""],
    ['api/rollouts?limit=abc', "'limit' \"abc\""],
    ['api/rollouts/..%2Fstate', "'id' \"../state\""],
    ['login', "'code'"],
  ])('GET %s → 400 naming the parameter', async (path, named) => {
    const response = await get(path);
    expect(response.status).toBe(400);
    expect(errorSchema.parse(await response.json()).error).toContain(named);
  });

  it('an unknown rollout is 404; an unknown action is 400 naming it', async () => {
    expect((await get('api/rollouts/penguins-9-nope')).status).toBe(404);
    const bad = await post('api/actions/pause', { rolloutId: 'x' });
    expect(bad.status).toBe(400);
    expect(errorSchema.parse(await bad.json()).error).toContain("'action' \"pause\"");
  });

  it('refuses actions without a login (401 saying how to log in) and a login code without the control token', async () => {
    const refused = await post('api/actions/promote', { rolloutId: 'penguins-3-x' });
    expect(refused.status).toBe(401);
    expect(errorSchema.parse(await refused.json()).error).toContain('keelson console');
    expect(sessionSchema.parse(await (await get('api/session')).json()).loggedIn).toBe(false);
    expect((await fetch(`${platform.controlUrl}/v1/console/login-codes`, { method: 'POST' })).status).toBe(401);
  });

  it('logs in once per code into an HttpOnly SameSite=Strict cookie; the cookie allows actions, a foreign Origin does not', async () => {
    const link = await consoleLink({ paths: platform.paths, login: true });
    const first = await fetch(link.loginUrl!, { redirect: 'manual' });
    expect(first.status).toBe(303);
    const setCookie = first.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\/console/);
    expect((await fetch(link.loginUrl!, { redirect: 'manual' })).status).toBe(401);
    const cookie = setCookie.split(';')[0]!;
    expect(sessionSchema.parse(await (await get('api/session', { headers: { cookie } })).json()).loggedIn).toBe(true);

    const foreign = await post('api/actions/rollback', { rolloutId: 'penguins-3-x' }, { cookie, origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    const missing = await post('api/actions/rollback', { reason: 'x' }, { cookie });
    expect(missing.status).toBe(400);
    expect(errorSchema.parse(await missing.json()).error).toContain("'rolloutId'");
    const none = await post('api/actions/rollback', { rolloutId: 'penguins-3-x' }, { cookie: await login() });
    expect(none.status).toBe(409);
    expect(errorSchema.parse(await none.json()).error).toContain('not running');
    expect(platform.state().stable.version).toBe('2');
  });

  it('refuses a DNS-rebound Host', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(new URL('api/overview', base), { headers: { host: 'evil.example' } }, (res) => resolve(res.statusCode!));
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });
});

describe('login codes', () => {
  it('expire, work once, and sessions expire', () => {
    let now = 0;
    const sessions = new ConsoleSessions(() => now);
    const a = sessions.mintCode();
    const b = sessions.mintCode();
    now += LOGIN_CODE_TTL_MS + 1;
    expect(sessions.redeem(a.code).kind).toBe('refused');
    const c = sessions.mintCode();
    const opened = sessions.redeem(c.code);
    expect(opened.kind).toBe('session');
    expect(sessions.redeem(c.code).kind).toBe('refused');
    expect(sessions.redeem(b.code).kind).toBe('refused');
    if (opened.kind !== 'session') return;
    expect(sessions.check(opened.id)).toBe(opened.expiresAt);
    expect(sessions.check('x'.repeat(43))).toBeNull();
    now = opened.expiresAt;
    expect(sessions.check(opened.id)).toBeNull();
  });
});
