import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serverOptionsFromFlags, type ServeFlags } from '../../service/src/server/serve-flags.js';
import { parseBytes, parseDuration, threadPlan } from '../../service/src/server/units.js';

const commentsOnly = join(mkdtempSync(join(tmpdir(), 'keelson-flags-')), 'comments');
writeFileSync(commentsOnly, '# the new token goes here\n\n   \n');
const tokenFile = join(mkdtempSync(join(tmpdir(), 'keelson-flags-')), 'tokens');
writeFileSync(tokenFile, 'abc\n');

const defaults: ServeFlags = {
  models: 'models', model: [], host: '127.0.0.1', port: '8080', bodyLimit: '4MiB', drainTimeout: '10s',
  requestTimeout: '30s', httpHeadersTimeout: '10s', httpRequestTimeout: '60s', cacheBytes: '0', driftWindow: '1000',
  feedbackCapacity: '100000', feedbackTtl: '1h',
};

describe('serve flags and environment', () => {
  it('turns defaults into server options', () => {
    expect(serverOptionsFromFlags(defaults, {})).toEqual({
      modelsDir: 'models', models: [], host: '127.0.0.1', port: 8080, bodyLimitBytes: 4 * 1024 * 1024,
      drainTimeoutMs: 10_000, requestTimeoutMs: 30_000, httpTimeouts: { headersMs: 10_000, requestMs: 60_000, keepAliveMs: 5_000 }, cacheBytes: 0, driftWindowRows: 1000, logLevel: 'info',
      feedback: { capacity: 100_000, ttlMs: 3_600_000 },
    });
  });

  it('reads LOG_LEVEL and KEELSON_AUTH_TOKEN; a token file wins over the environment', () => {
    expect(serverOptionsFromFlags(defaults, { LOG_LEVEL: 'warn', KEELSON_AUTH_TOKEN: ' t0ken ' })).toMatchObject({ logLevel: 'warn', authToken: 't0ken' });
    const file = join(mkdtempSync(join(tmpdir(), 'keelson-flags-')), 'token');
    writeFileSync(file, 'from-file\n');
    const fromFile = serverOptionsFromFlags({ ...defaults, authTokenFile: file }, { KEELSON_AUTH_TOKEN: 'env', KEELSON_AUTH_RELOAD_INTERVAL: '500ms' });
    expect(fromFile).toMatchObject({ authTokenFile: file, authReloadMs: 500 });
    expect(fromFile.authToken).toBeUndefined();
    expect(serverOptionsFromFlags(defaults, {}).authToken).toBeUndefined();
  });

  it.each([
    [{ bodyLimit: 'lots' }, {}, /--body-limit "lots": expected a size like 4194304, 4MiB or 512KiB/],
    [{ port: '70000' }, {}, /--port "70000": expected an integer between 0 and 65535/],
    [{ drainTimeout: 'soon' }, {}, /--drain-timeout "soon": expected a duration like 500ms, 10s or 2m/],
    [{ workers: '0' }, {}, /--workers "0": expected an integer between 1 and 256/],
    [{ httpHeadersTimeout: 'slow' }, {}, /--http-headers-timeout "slow": expected a duration like 500ms, 10s or 2m/],
    [{ httpHeadersTimeout: '30s', httpRequestTimeout: '20s' }, {}, /--http-request-timeout 20000 ms: expected at least --http-headers-timeout \(30000 ms\)/],
    [{ httpHeadersTimeout: '10ms' }, {}, /--http-headers-timeout 10 ms: expected at least 100ms/],
    [{ authTokenFile: '/nonexistent/token' }, {}, /--auth-token-file \/nonexistent\/token: cannot read it \(ENOENT\)/],
    [{ authTokenFile: commentsOnly }, {}, /--auth-token-file .*: it holds no token \(one per line; blank lines and # comments are ignored\)/],
    [{ authTokenFile: tokenFile }, { KEELSON_AUTH_RELOAD_INTERVAL: 'often' }, /KEELSON_AUTH_RELOAD_INTERVAL "often": expected a duration/],
    [{ feedbackCapacity: '-1' }, {}, /--feedback-capacity "-1": expected an integer between 0 and 10000000/],
    [{ feedbackTtl: '0s' }, {}, /--feedback-ttl 0 ms: expected a duration above 0/],
    [{}, { LOG_LEVEL: 'loud' }, /LOG_LEVEL "loud": expected one of fatal, error, warn, info, debug, trace, silent/],
  ])('rejects %j %j', (flags, env, message) => {
    expect(() => serverOptionsFromFlags({ ...defaults, ...flags }, env)).toThrow(message);
  });

  it('parses sizes, durations and thread plans', () => {
    expect(parseBytes('512KiB', 'x')).toBe(524_288);
    expect(parseBytes('1GB', 'x')).toBe(1e9);
    expect(parseDuration('250ms', 'x')).toBe(250);
    expect(parseDuration('2m', 'x')).toBe(120_000);
    expect(threadPlan(8)).toEqual({ workers: 8, intraOpThreads: 1 });
    expect(threadPlan(8, undefined, 2)).toEqual({ workers: 4, intraOpThreads: 2 });
    expect(threadPlan(1, undefined, 1)).toEqual({ workers: 1, intraOpThreads: 1 });
    expect(() => threadPlan(2, 2, 2)).toThrow(/--workers 2 × --intra-op-threads 2 = 4 threads exceeds the 2 available cores/);
    expect(threadPlan(8, undefined, 2, 2)).toEqual({ workers: 2, intraOpThreads: 2 });
    expect(() => threadPlan(2, 2, 1, 2)).toThrow(/--workers 2 × --intra-op-threads 1 = 2 threads exceeds the 1 cores of each HTTP worker \(2 cores ÷ --http-workers 2\)/);
  });
});
