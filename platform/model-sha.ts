import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The sha256 of `<modelsDir>/<name>/<version>/model.onnx`, or null when it is absent. */
export function modelSha(modelsDir: string, name: string, version: string): string | null {
  const file = join(modelsDir, name, version, 'model.onnx');
  return existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : null;
}
