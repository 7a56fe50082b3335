import type { PlatformOptions } from '../../platform/platform.js';
import { CONSOLE_PATH, createConsoleRoutes } from './routes.js';

export { CONSOLE_PATH, createConsoleRoutes, LOGIN_HINT } from './routes.js';

/** What `keelson up` and `keelson start` hand the platform: the console, served on the control API's loopback port. */
export const mountConsole: NonNullable<PlatformOptions['mount']> = ({ control, paths, stopping }) => ({
  routes: createConsoleRoutes({ control, paths, stopping }),
  path: CONSOLE_PATH,
});
