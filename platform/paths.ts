import { join, resolve } from 'node:path';

/** Where the local platform keeps its files (all under `.keelson/` of the working directory by default). */
export interface PlatformPaths {
  root: string;
  state: string;
  logs: string;
  prometheus: string;
}

/** Resolves the platform's file layout; `KEELSON_HOME` overrides the `.keelson` directory. */
export function platformPaths(root = process.env.KEELSON_HOME ?? '.keelson'): PlatformPaths {
  const abs = resolve(root);
  return {
    root: abs,
    state: join(abs, 'state.json'),
    logs: join(abs, 'logs'),
    prometheus: join(abs, 'prometheus'),
  };
}

/** The ndjson log file of one instance (what Filebeat would ship). */
export function instanceLogPath(paths: PlatformPaths, instance: string): string {
  return join(paths.logs, `${instance}.ndjson`);
}
