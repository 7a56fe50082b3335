import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inferBody, penguinRows } from '../../platform/traffic/requests.js';

/** Writes one OIP infer body (one penguin row of `features`) per line; every scenario sends this same file. */
export function writeInferBodies(dir: string): { file: string; count: number; meanBytes: number } {
  const bodies = penguinRows().map((row) => inferBody(row));
  const file = join(dir, 'infer-bodies.txt');
  writeFileSync(file, bodies.join('\n') + '\n');
  const meanBytes = bodies.reduce((sum, body) => sum + Buffer.byteLength(body), 0) / bodies.length;
  return { file, count: bodies.length, meanBytes };
}
