import type { Command } from 'commander';

interface ConsoleOptions {
  login: boolean;
  open: boolean;
  json: boolean;
}

/** `keelson console`: the address of the running platform's console, with a one-time login link. */
export function register(program: Command): void {
  program
    .command('console')
    .description('print (or --open) the URL of the running platform\'s web console, with a one-time login link (valid once, for 2 minutes) that enables promote and roll back')
    .option('--no-login', 'print the plain URL (read-only until you log in)')
    .option('--open', 'open the link in the default browser (xdg-open / open)', false)
    .option('--json', 'print {url, loginUrl, expiresAt} as JSON', false)
    .addHelpText('after', '\nThe console runs on the platform\'s loopback control port; see docs/console.md.')
    .action(async (options: ConsoleOptions) => {
      const { consoleLink } = await import('../../console/login-link.js');
      const link = await consoleLink({ login: options.login });
      const target = link.loginUrl ?? link.url;
      if (options.json) console.log(JSON.stringify(link));
      else if (link.loginUrl) console.log(`console: ${link.url}\nlog in (once, before ${link.expiresAt}): ${link.loginUrl}`);
      else console.log(`console: ${link.url}`);
      if (options.open) {
        const { spawn } = await import('node:child_process');
        const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
        const child = spawn(opener, [target], { detached: true, stdio: 'ignore' });
        child.on('error', () => console.error(`keelson console: could not run ${opener}: open the link above by hand`));
        child.unref();
      }
    });
}
