import type { Command } from 'commander';
import * as build from './build.js';
import * as consoleCommand from './console.js';
import * as dashboards from './dashboards.js';
import * as deploy from './deploy.js';
import * as down from './down.js';
import * as gitops from './gitops.js';
import * as image from './image.js';
import * as judge from './judge.js';
import * as models from './models.js';
import * as promote from './promote.js';
import * as push from './push.js';
import * as release from './release.js';
import * as render from './render.js';
import * as rollback from './rollback.js';
import * as rollout from './rollout.js';
import * as router from './router.js';
import * as serve from './serve.js';
import * as smoke from './smoke.js';
import * as start from './start.js';
import * as status from './status.js';
import * as test from './test.js';
import * as traffic from './traffic.js';
import * as up from './up.js';
import * as version from './version.js';

/**
 * A `keelson` subcommand: a file in `cli/commands/` whose `register` adds its options, help and action.
 * Heavy imports belong inside the action, so `keelson --help` stays fast.
 */
export interface CommandModule {
  register(program: Command): void;
}

/** Every `keelson` subcommand, in the order `keelson --help` lists them. */
export const COMMANDS: readonly CommandModule[] = [
  build,
  consoleCommand,
  dashboards,
  deploy,
  down,
  gitops,
  image,
  judge,
  models,
  promote,
  push,
  release,
  render,
  rollback,
  rollout,
  router,
  serve,
  smoke,
  start,
  status,
  test,
  traffic,
  up,
  version,
];
