import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildConsole, CONSOLE_DIST } from '../../console/build.js';

/** The console's budget: what a browser downloads, gzipped (docs/console.md). */
const BUDGET_GZIP_BYTES = 60 * 1024;

describe('console bundle', () => {
  it('committed console/dist is what console/web builds to (run `npm run build:console`)', async () => {
    const built = await buildConsole();
    expect([...built.keys()].sort()).toEqual(['app.css', 'app.js']);
    for (const [name, text] of built) expect(readFileSync(join(CONSOLE_DIST, name), 'utf8'), `${name} is stale: run npm run build:console`).toBe(text);
  });

  it(`stays within ${BUDGET_GZIP_BYTES / 1024} KiB gzipped, with no external URL`, () => {
    const files = ['app.js', 'app.css'].map((f) => readFileSync(join(CONSOLE_DIST, f)));
    const gzipped = files.reduce((sum, f) => sum + gzipSync(f, { level: 9 }).length, 0);
    expect(gzipped).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
    const html = readFileSync(join(CONSOLE_DIST, '..', 'web', 'index.html'), 'utf8');
    for (const text of [html, files[1]!.toString()]) expect(text).not.toMatch(/(src|href|url)\s*[=(]\s*["']?(https?:)?\/\//);
  });

  it('the browser code type-checks (console/web/tsconfig.json: DOM, Preact JSX)', () => {
    execFileSync(process.execPath, [join('node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', 'console/web'], { stdio: 'pipe' });
  }, 60_000);
});
