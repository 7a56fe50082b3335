import { createRequire } from 'node:module';

/** The keelson package version, reported by `GET /v2` and in logs. */
export const SERVER_VERSION = (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
