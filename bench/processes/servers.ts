/**
 * The servers under test, each a real process on 127.0.0.1: the bare `node:http` ceiling, keelson's HTTP plumbing
 * without a model, `keelson serve` and the
 * FastAPI + scikit-learn peer. Each factory returns the exact command line too, for the results file.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../steps/ports.js';
import { startServer, type ServerProcess } from './spawn.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LISTENING = /listening on (http:\/\/[\d.]+:\d+)/;

/** A started server and the command that started it. */
export interface Started {
  server: ServerProcess;
  command: string;
  /** keelson's `--metrics-port` (the probe thread), when asked for. */
  metricsUrl?: string;
}

const commandLine = (command: string, args: string[]): string => [command, ...args].map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ');

/** The reference servers answering a fixed JSON body: scenario 1 (bare node:http) and 1b (keelson's HTTP plumbing). */
const REFERENCE_SERVERS = { 'bare-http': 'node:http', 'service-plumbing': 'keelson plumbing' } as const;

/** Starts one reference server (`bench/servers/<script>.ts`). */
export async function startReferenceServer(logDir: string, script: keyof typeof REFERENCE_SERVERS): Promise<Started> {
  const args = ['--import', 'tsx', join(ROOT, `bench/servers/${script}.ts`)];
  const server = await startServer({ name: REFERENCE_SERVERS[script], command: process.execPath, args, logFile: join(logDir, `${script}.log`), urlPattern: LISTENING, readyPath: '/' });
  return { server, command: commandLine('node', args.map((a) => a.replace(ROOT, ''))) };
}

/** Options of one `keelson serve` instance. */
export interface KeelsonOptions {
  name: string;
  modelsDir: string;
  /** `NAME:VERSION` to serve. */
  model: string;
  /** Extra flags, e.g. `['--max-batch-size', '1']`. */
  flags?: string[];
  /** Also open `--metrics-port` on a free port (health probes answered by the probe thread). */
  metricsPort?: boolean;
}

/**
 * `keelson serve` on a free ephemeral port. The port is chosen up front rather than read from the `listening` log
 * line because `--serve-flags "--log-level warn"` (no access log) also hides that line.
 */
export async function startKeelson(logDir: string, options: KeelsonOptions): Promise<Started> {
  const port = await freePort();
  const metricsPort = options.metricsPort ? await freePort() : undefined;
  const args = [
    join(ROOT, 'bin/keelson.mjs'), 'serve', '--models', options.modelsDir, '--model', options.model, '--port', String(port),
    ...(metricsPort ? ['--metrics-port', String(metricsPort)] : []), ...(options.flags ?? []),
  ];
  const server = await startServer({
    name: options.name,
    command: process.execPath,
    args,
    logFile: join(logDir, `${options.name.replace(/[^\w.-]+/g, '_')}.log`),
    url: `http://127.0.0.1:${port}`,
    readyPath: '/v2/health/ready',
  });
  const shown = args.slice(1).map((a) => (a === options.modelsDir ? 'DIR' : a === String(port) ? 'PORT' : a === String(metricsPort) ? 'METRICS_PORT' : a));
  return { server, command: commandLine('keelson', shown), ...(metricsPort ? { metricsUrl: `http://127.0.0.1:${metricsPort}` } : {}) };
}

/** Options of the FastAPI + scikit-learn peer. */
export interface PeerOptions {
  python: string;
  /** Weights JSON from `exportPenguinV2Weights`; the joblib file is built next to it. */
  weightsFile: string;
  /** uvicorn worker processes (one per core is the usual advice). */
  workers: number;
  /** Keep uvicorn's access log (its default), as keelson keeps its own. */
  accessLog: boolean;
}

/** Builds the joblib model from the exported weights and starts uvicorn on a free port. */
export async function startPeer(logDir: string, options: PeerOptions): Promise<Started> {
  const modelFile = options.weightsFile.replace(/\.json$/, '') + '.joblib';
  const build = spawnSync(options.python, [join(ROOT, 'bench/peer/build_model.py'), options.weightsFile, modelFile], { encoding: 'utf8', timeout: 120_000 });
  if (build.status !== 0) throw new Error(`building the peer model failed (exit ${build.status}): ${build.stderr || build.error?.message}`);
  const port = await freePort();
  const args = [
    '-m', 'uvicorn', 'app:app', '--app-dir', join(ROOT, 'bench/peer'), '--host', '127.0.0.1', '--port', String(port),
    '--workers', String(options.workers), ...(options.accessLog ? [] : ['--no-access-log']),
  ];
  const server = await startServer({
    name: `fastapi+sklearn ${options.workers}w`,
    command: options.python,
    args,
    env: { ...process.env, PEER_MODEL: modelFile },
    logFile: join(logDir, `peer-${options.workers}w.log`),
    url: `http://127.0.0.1:${port}`,
    readyPath: '/v2/health/ready',
  });
  return { server, command: commandLine(options.python, args.map((a) => (a === String(port) ? 'PORT' : a.replace(ROOT, '')))) };
}
