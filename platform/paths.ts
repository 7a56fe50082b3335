// Temporary (issue 14): the `.keelson/` layout lives in contract/keelson-paths.ts; work in progress
// (platform.ts, start-up.ts, pool-sync.ts) still imports it from here under the old names.
export { instanceLogPath, keelsonPaths as platformPaths, type KeelsonPaths as PlatformPaths } from '../contract/keelson-paths.js';
