import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureSampleModels } from '../tools/samples/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Directory holding the sample model repository (`<model>/<version>/model.onnx`). */
    modelsDir: string;
  }
}

/** Trains the sample models once per machine (cached by content) and shares their directory with every test. */
export default async function setup(project: TestProject): Promise<void> {
  const dir = join(process.cwd(), '.keelson', 'test-models');
  mkdirSync(dir, { recursive: true });
  await ensureSampleModels(dir);
  project.provide('modelsDir', dir);
}
