/**
 * The benchmark's phases, each starting the real processes it needs and stopping them when done:
 * A) ceiling, plumbing, service and peer side by side; B) the heavy model with batching off and on, then health probes while
 * each saturates the workers; C) the soak on a fresh service.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchOptions } from './options.js';
import { compareAnswers, type Agreement } from './peer/agreement.js';
import { exportPenguinV2Weights } from './peer/export-weights.js';
import type { PeerAvailability } from './peer/python.js';
import { startKeelson, startReferenceServer, startPeer, type Started } from './processes/servers.js';
import { runHealthUnderLoad, type HealthUnderLoadResult } from './scenarios/health-under-load.js';
import { runSideBySide, type ThroughputTarget } from './scenarios/side-by-side.js';
import { runSoak, type SoakResult } from './scenarios/soak.js';
import type { ScenarioResult } from './scenarios/types.js';

/** Where a phase finds its inputs and reports progress. */
export interface PhaseContext {
  options: BenchOptions;
  workDir: string;
  logDir: string;
  modelsDir: string;
  heavyModel: string;
  bodiesFile: string;
  /** Server name → the exact command line that started it. */
  commands: Record<string, string>;
  progress: (line: string) => void;
}

const PENGUINS_PATH = '/v2/models/penguins/versions/2/infer';

async function withServers<T>(context: PhaseContext, starters: (() => Promise<Started>)[], body: (servers: Started[]) => Promise<T>): Promise<T> {
  const servers: Started[] = [];
  try {
    for (const start of starters) {
      const started = await start();
      context.commands[started.server.name] = started.command;
      context.progress(`started ${started.server.name} at ${started.server.url} (pid ${started.server.pid})`);
      servers.push(started);
    }
    return await body(servers);
  } finally {
    for (const s of servers) await s.server.stop();
  }
}

function sideBySide(context: PhaseContext, targets: ThroughputTarget[]): Promise<ScenarioResult[]> {
  const { options } = context;
  return runSideBySide(targets, { durationS: options.durationS, rounds: options.rounds, warmupS: options.warmupS, bodiesFile: context.bodiesFile, wrkThreads: options.wrkThreads, onProgress: context.progress });
}

/** Phase A: scenario 1 (node:http ceiling), 1b (keelson's HTTP plumbing without a model), scenario 2 (keelson penguins:2) and the peer, at the same concurrency. */
export async function phaseCeilingServicePeer(context: PhaseContext, peer: PeerAvailability | undefined): Promise<{ results: ScenarioResult[]; agreement?: Agreement }> {
  const { options, logDir } = context;
  const c = options.connections;
  const wanted: { id: string; label: string; path: string; start: () => Promise<Started> }[] = [];
  if (options.scenarios.has('ceiling')) wanted.push({ id: 'ceiling', label: '1: bare node:http, fixed JSON', path: '/', start: () => startReferenceServer(logDir, 'bare-http') });
  if (options.scenarios.has('plumbing')) {
    wanted.push({ id: 'plumbing', label: "1b: keelson's HTTP plumbing, fixed JSON", path: PENGUINS_PATH, start: () => startReferenceServer(logDir, 'service-plumbing') });
  }
  if (options.scenarios.has('service')) {
    wanted.push({ id: 'service', label: '2: keelson, penguins:2, 1 row', path: PENGUINS_PATH, start: () => startKeelson(logDir, { name: 'keelson penguins:2', modelsDir: context.modelsDir, model: 'penguins:2', flags: options.serveFlags }) });
  }
  if (peer?.kind === 'available') {
    const weightsFile = join(context.workDir, 'penguins-v2-weights.json');
    exportPenguinV2Weights(weightsFile);
    for (const workers of options.peerWorkers) {
      const label = `peer: FastAPI + scikit-learn, ${workers} uvicorn worker${workers === 1 ? '' : 's'}`;
      const start = () => startPeer(logDir, { python: peer.python, weightsFile, workers, accessLog: options.peerAccessLog });
      wanted.push({ id: `peer-${workers}`, label, path: PENGUINS_PATH, start });
    }
  }
  if (wanted.length === 0) return { results: [] };
  return withServers(context, wanted.map((w) => w.start), async (servers) => {
    const targets = wanted.map((w, i) => ({
      id: w.id,
      label: w.label,
      path: w.path,
      connections: c,
      server: (servers[i] as Started).server,
      ...(w.id === 'service' ? { batchMetrics: { model: 'penguins', version: '2' } } : {}),
    }));
    const service = targets.find((t) => t.id === 'service');
    const peerTarget = targets.find((t) => t.id.startsWith('peer'));
    let agreement: Agreement | undefined;
    if (service && peerTarget) {
      const bodies = readFileSync(context.bodiesFile, 'utf8').split('\n').filter(Boolean).slice(0, 50);
      agreement = await compareAnswers(service.server.url + PENGUINS_PATH, peerTarget.server.url + PENGUINS_PATH, bodies);
      context.progress(`peer agreement: ${agreement.sameLabel}/${agreement.rows} same labels, max |Δp| ${agreement.maxProbabilityDifference.toExponential(1)}`);
    }
    return { results: await sideBySide(context, targets), ...(agreement ? { agreement } : {}) };
  });
}

/** Phase B: scenario 3 (heavy model, batching off vs on) and scenario 4 (health probes while each saturates). */
export async function phaseHeavy(context: PhaseContext): Promise<{ results: ScenarioResult[]; health: HealthUnderLoadResult[] }> {
  const { options, logDir } = context;
  const [name, version] = context.heavyModel.split(':') as [string, string];
  const path = `/v2/models/${name}/versions/${version}/infer`;
  const variants = [
    { id: 'heavyOff', label: `3: ${name}, batching off`, flags: ['--max-batch-size', '1'] },
    { id: 'heavyOn', label: `3: ${name}, batching on (model.json)`, flags: [] as string[] },
  ];
  const starters = variants.map((v) => () => startKeelson(logDir, { name: `keelson ${context.heavyModel} ${v.id === 'heavyOn' ? 'batching on' : 'batching off'}`, modelsDir: context.modelsDir, model: context.heavyModel, metricsPort: true, flags: [...v.flags, ...options.serveFlags] }));
  return withServers(context, starters, async (servers) => {
    const batchMetrics = { model: name, version };
    const targets = variants.map((v, i) => ({ id: v.id, label: v.label, path, connections: options.connections, server: (servers[i] as Started).server, metricsUrl: (servers[i] as Started).metricsUrl, batchMetrics }));
    const results = options.scenarios.has('heavy') ? await sideBySide(context, targets) : [];
    const health: HealthUnderLoadResult[] = [];
    if (options.scenarios.has('health')) {
      for (const t of targets) {
        context.progress(`health probes while ${t.label} saturates (${options.durationS}s)`);
        const label = t.id === 'heavyOn' ? 'batching on' : 'batching off';
        health.push(await runHealthUnderLoad(t.id, { label, server: t.server, ...(t.metricsUrl ? { metricsUrl: t.metricsUrl } : {}), inferPath: path, probePath: '/v2/health/ready', connections: options.connections, durationS: options.durationS, probeDelayMs: 10, bodiesFile: context.bodiesFile, wrkThreads: options.wrkThreads }));
      }
    }
    return { results, health };
  });
}

/** Phase C: scenario 5, the soak at a fixed rate on a freshly started service (penguins:2). */
export async function phaseSoak(context: PhaseContext): Promise<SoakResult> {
  const { options, logDir } = context;
  const start = () => startKeelson(logDir, { name: 'keelson penguins:2 soak', modelsDir: context.modelsDir, model: 'penguins:2', flags: options.serveFlags });
  return withServers(context, [start], ([started]) =>
    runSoak({
      server: (started as Started).server,
      inferPath: PENGUINS_PATH,
      bodiesFile: context.bodiesFile,
      durationS: options.soakS,
      rate: options.soakRate,
      connections: options.soakConnections,
      sampleEveryS: options.soakS >= 120 ? 10 : 2,
      warmupFraction: 0.2,
      onProgress: context.progress,
    }),
  );
}
