import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
/** The built bundle (`npm run build:console`, committed: see docs/console.md). */
export const DIST_DIR = join(HERE, '..', 'dist');
export const INDEX_HTML = join(HERE, '..', 'web', 'index.html');

const TYPES: Record<string, string> = { 'app.js': 'text/javascript; charset=utf-8', 'app.css': 'text/css; charset=utf-8' };

/** The page and the bundle, read once. */
export function loadAssets(): { index: string; files: Map<string, { body: string; type: string }> } {
  const files = new Map<string, { body: string; type: string }>();
  for (const [name, type] of Object.entries(TYPES)) files.set(name, { body: readFileSync(join(DIST_DIR, name), 'utf8'), type });
  return { index: readFileSync(INDEX_HTML, 'utf8'), files };
}

/** No script or style from anywhere but the console itself; no framing; the login code never leaves in a Referer. */
export const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};
