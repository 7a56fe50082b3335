import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createLogSink } from './log-sink.js';
import type { InstanceExit, InstanceRuntime, InstanceSpec, RunningInstance } from './runtime.js';

const KEELSON_BIN = fileURLToPath(new URL('../../../bin/keelson.mjs', import.meta.url));

/** Command line that serves one model version (`keelson serve`), as the process runtime runs it. */
export function serveArgs(spec: InstanceSpec): string[] {
  return [
    'serve',
    '--models', spec.modelsDir,
    '--model', `${spec.model}:${spec.version}`,
    '--host', spec.host,
    '--port', String(spec.port),
  ];
}

/**
 * Runs each instance as a child Node.js process in its own process group, so Ctrl-C reaches the
 * platform alone and the platform decides the order of shutdown (router last to stop taking traffic).
 */
export function createProcessRuntime(options: { bin?: string } = {}): InstanceRuntime {
  const bin = options.bin ?? KEELSON_BIN;
  return {
    kind: 'process',
    async start(spec: InstanceSpec): Promise<RunningInstance> {
      const sink = createLogSink(spec.logFile, spec.name);
      const child = spawn(process.execPath, [bin, ...serveArgs(spec)], {
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
        env: { ...process.env, ...spec.env, KEELSON_INSTANCE: spec.name },
      });
      sink.follow(child.stdout, 'info');
      sink.follow(child.stderr, 'error');
      const exited = new Promise<InstanceExit>((resolve) => {
        child.once('exit', (code, signal) => {
          sink.event(code === 0 || signal === 'SIGTERM' ? 'info' : 'error', 'instance exited', {
            'process.exit_code': code,
            'process.signal': signal,
          });
          void sink.close().then(() => resolve({ code, signal }));
        });
        child.once('error', (error) => {
          sink.event('error', `instance could not start: ${error.message}`);
          void sink.close().then(() => resolve({ code: null, signal: null }));
        });
      });
      return {
        url: `http://${spec.host.includes(':') ? `[${spec.host}]` : spec.host}:${spec.port}`,
        pid: child.pid ?? null,
        exited,
        async stop(graceMs) {
          if (child.exitCode !== null || child.signalCode !== null) return exited;
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          const result = await exited;
          clearTimeout(timer);
          return result;
        },
      };
    },
  };
}
