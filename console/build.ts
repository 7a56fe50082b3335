/**
 * Builds the console's browser bundle (Preact + uPlot) into console/dist/: `npm run build:console`. The output is
 * committed (so `keelson start` works from a clean checkout, offline, without esbuild), and
 * test/console/bundle.test.ts fails when it no longer matches what this build makes from console/web/.
 */
import { build, type BuildOptions } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const CONSOLE_DIST = join(HERE, 'dist');

export const BUILD_OPTIONS: BuildOptions = {
  entryPoints: { app: join(HERE, 'web', 'main.tsx') },
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2022'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  charset: 'utf8',
  logLevel: 'silent',
  outdir: CONSOLE_DIST,
  write: false,
};

/** The bundle's files by name (`app.js`, `app.css`), built in memory. */
export async function buildConsole(): Promise<Map<string, string>> {
  const result = await build(BUILD_OPTIONS);
  return new Map(result.outputFiles!.map((f) => [f.path.slice(CONSOLE_DIST.length + 1), f.text]));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const files = await buildConsole();
  mkdirSync(CONSOLE_DIST, { recursive: true });
  for (const [name, text] of files) writeFileSync(join(CONSOLE_DIST, name), text);
  console.log(`console bundle: ${[...files].map(([name, text]) => `${name} ${text.length} bytes`).join(', ')} → ${CONSOLE_DIST}`);
}
