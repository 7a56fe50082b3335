import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import { streamSSE } from 'hono/streaming';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import type { KeelsonPaths } from '../../contract/keelson-paths.js';
import type { PlatformControl } from '../../platform/control.js';
import { PlatformConflict, PlatformNotFound } from '../../platform/errors.js';
import { loadAssets, SECURITY_HEADERS } from './assets.js';
import { ConsoleSessions, SESSION_COOKIE, SESSION_TTL_MS } from './auth.js';
import { badParameter, requireLoopback, requireSameOrigin } from './guard.js';
import { modelQuality } from './quality.js';
import { rolloutDetail } from './rollout-detail.js';
import { ConsoleSources, ROLLOUT_ID } from './sources.js';
import { ChangeFeed } from './change-feed.js';
import { overview, summarize } from './views.js';

/** Where the console lives on the control API's port. */
export const CONSOLE_PATH = '/console/';
/** What a person is told when an action needs a login. */
export const LOGIN_HINT = 'not logged in: run `keelson console` in the repository (it can read .keelson/control-token) and open the one-time link it prints';

export interface ConsoleOptions {
  control: PlatformControl;
  paths: KeelsonPaths;
  /** Aborted when the platform stops: open event streams end. */
  stopping?: AbortSignal;
  sessions?: ConsoleSessions;
}

const actionBody = z.strictObject({
  rolloutId: z.string().regex(ROLLOUT_ID, 'a rollout id'),
  reason: z.string().min(1).max(300).optional(),
});

/**
 * The console's routes: the page and its bundle, a read-only JSON API and event stream over the files the CLI reads,
 * login by one-time code, and promote / roll back for a logged-in person. `POST /v1/console/login-codes` sits behind
 * the control API's token guard (the app it is mounted on); everything else checks its own Host, Origin and session.
 */
export function createConsoleRoutes(options: ConsoleOptions): Hono {
  const sources = new ConsoleSources(options.paths);
  const sessions = options.sessions ?? new ConsoleSessions();
  const feed = new ChangeFeed(() => sources.fingerprint(), options.stopping);
  const assets = loadAssets();
  const app = new Hono();

  app.post('/v1/console/login-codes', (c) => {
    const { code, expiresAt } = sessions.mintCode();
    return c.json({ code, path: `${CONSOLE_PATH}login?code=${code}`, expiresAt: new Date(expiresAt).toISOString() }, 201);
  });

  app.use('/console/*', async function consoleHeaders(c, next) {
    requireLoopback(c);
    await next();
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) c.res.headers.set(k, v);
    if (c.req.path.startsWith('/console/api/')) c.res.headers.set('Cache-Control', 'no-store');
  });
  app.get('/console', (c) => c.redirect(CONSOLE_PATH, 301));
  app.get(CONSOLE_PATH, (c) => c.html(assets.index));
  app.get('/console/assets/:file', (c) => {
    const file = assets.files.get(c.req.param('file'));
    if (!file) throw new HTTPException(404, { message: `no asset ${JSON.stringify(c.req.param('file').slice(0, 80))}` });
    return c.body(file.body, 200, { 'Content-Type': file.type, 'Cache-Control': 'no-cache' });
  });

  app.get('/console/login', (c) => {
    const code = c.req.query('code');
    if (!code) throw badParameter('code', code ?? '', 'the one-time code of the link `keelson console` prints');
    const redeemed = sessions.redeem(code);
    if (redeemed.kind === 'refused') return c.html(loginRefusedPage(redeemed.reason), 401);
    setCookie(c, SESSION_COOKIE, redeemed.id, { path: '/console', httpOnly: true, sameSite: 'Strict', maxAge: SESSION_TTL_MS / 1_000 });
    return c.redirect(CONSOLE_PATH, 303);
  });

  app.get('/console/api/session', (c) => {
    const until = sessions.check(getCookie(c, SESSION_COOKIE));
    return c.json({ loggedIn: until !== null, expiresAt: until === null ? null : new Date(until).toISOString(), login: LOGIN_HINT.replace('not logged in: ', '') });
  });
  app.post('/console/api/logout', (c) => {
    requireSameOrigin(c);
    sessions.end(getCookie(c, SESSION_COOKIE));
    deleteCookie(c, SESSION_COOKIE, { path: '/console' });
    return c.json({ loggedIn: false });
  });

  app.get('/console/api/overview', (c) => {
    const { state, running } = sources.state();
    if (!state) throw new HTTPException(404, { message: `no platform has run from ${options.paths.root}` });
    const gitops = sources.gitops();
    return c.json(overview(state, running, gitops, sources.allBooks().slice(0, 5), (commit) => sources.commitSubject(commit, gitops?.repo ?? null)));
  });

  app.get('/console/api/rollouts', (c) => {
    const limit = intParameter(c, 'limit', 50, 1, 500);
    const { state } = sources.state();
    return c.json({ rollouts: sources.allBooks().slice(0, limit).map((b) => summarize(b, state)) });
  });

  app.get('/console/api/rollouts/:id', (c) => {
    const id = c.req.param('id');
    if (!ROLLOUT_ID.test(id)) throw badParameter('id', id, 'a rollout id such as penguins-2-20261127t101500-ab12 (letters, digits, . _ -)');
    const book = sources.book(id);
    if (!book) throw new HTTPException(404, { message: `no rollout ${id} in ${options.paths.rollouts}` });
    return c.json(rolloutDetail(book, sources.state().state, Date.now()));
  });

  app.get('/console/api/quality', async (c) => {
    const { state } = sources.state();
    if (!state) throw new HTTPException(404, { message: `no platform has run from ${options.paths.root}` });
    return c.json(await modelQuality(state));
  });

  app.get('/console/api/events', (c) =>
    streamSSE(c, async (stream) => {
      const done = new Promise<void>((resolve) => {
        const unsubscribe = feed.subscribe((version) => void stream.writeSSE({ event: 'change', data: version }));
        const end = () => {
          unsubscribe();
          resolve();
        };
        stream.onAbort(end);
        if (options.stopping?.aborted) end();
        options.stopping?.addEventListener('abort', end, { once: true });
      });
      await stream.writeSSE({ event: 'hello', data: feed.version(), retry: 2_000 });
      await done;
    }),
  );

  app.post('/console/api/actions/:action', async (c) => {
    const action = c.req.param('action');
    if (action !== 'promote' && action !== 'rollback') throw badParameter('action', action, 'promote or rollback');
    requireSameOrigin(c);
    if (sessions.check(getCookie(c, SESSION_COOKIE)) === null) throw new HTTPException(401, { message: LOGIN_HINT });
    const body = actionBody.safeParse(await c.req.json().catch(() => undefined));
    if (!body.success) {
      const issue = body.error.issues[0]!;
      throw new HTTPException(400, { message: `'${issue.path.join('.') || 'body'}': ${issue.message} (expected {"rolloutId": "<id>", "reason"?: "<text>"})` });
    }
    const running = options.control.state().rollout;
    if (running?.id !== body.data.rolloutId) {
      throw new PlatformConflict(`rollout ${body.data.rolloutId} is not running${running ? ` (${running.id} is)` : ''}: nothing was changed`, {});
    }
    const outcome = action === 'promote' ? 'promoted' : 'rolled-back';
    const end = await options.control.finish(body.data.rolloutId, outcome, body.data.reason ?? `${action} from the console`, 'person');
    return c.json({ id: end.id, outcome: end.outcome, reason: end.reason, decidedBy: end.decidedBy ?? 'person', at: end.at });
  });

  app.onError((error, c) => {
    const status: ContentfulStatusCode =
      error instanceof HTTPException ? (error.status as ContentfulStatusCode)
      : error instanceof PlatformConflict ? 409
      : error instanceof PlatformNotFound ? 404
      : 500;
    return c.json({ error: error.message }, status);
  });
  return app;
}

function intParameter(c: Context, name: string, fallback: number, min: number, max: number): number {
  const raw = c.req.query(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < min || value > max) throw badParameter(name, raw, `a whole number ${min}..${max}`);
  return value;
}

function loginRefusedPage(reason: string): string {
  const text = `Login refused: ${reason}. Run \`keelson console\` again for a new link.`;
  const escaped = text.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>keelson console: login refused</title></head><body><main><h1>Login refused</h1><p>${escaped}</p><p><a href="${CONSOLE_PATH}">Open the console without logging in</a></p></main></body></html>`;
}
