/**
 * `npm run bench`: issue 3's serving benchmark. Starts real processes on 127.0.0.1 (a bare node:http server, keelson
 * serve, the FastAPI + scikit-learn peer), drives them with wrk, prints Markdown tables and the targets' verdicts, and
 * writes bench/results/<YYYY-MM-DD>.json (`-quick` suffix for --quick runs). See docs/performance.md and `--help`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import { writeInferBodies } from './load/bodies.js';
import { describeMachine } from './machine.js';
import { DEFAULT_HEAVY, prepareModels } from './models.js';
import { parseBenchOptions, USAGE, type BenchOptions } from './options.js';
import { checkPeer, type PeerAvailability } from './peer/python.js';
import { phaseCeilingServicePeer, phaseHeavy, phaseSoak, type PhaseContext } from './phases.js';
import { killAll } from './processes/spawn.js';
import { decompose, decompositionTable } from './report/decomposition.js';
import { healthTable, scenarioTable, soakTable, targetTable } from './report/table.js';
import { evaluateTargets, type RunResults } from './report/targets.js';

const started = Date.now();
const progress = (line: string): void => void process.stderr.write(`bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s ${line}\n`);

function parseOrExit(argv: string[]): BenchOptions {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    process.exit(0);
  }
  try {
    return parseBenchOptions(argv);
  } catch (error) {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}\nusage: ${USAGE}`);
    process.exit(2);
  }
}

function peerAvailability(options: BenchOptions): PeerAvailability | undefined {
  if (!options.scenarios.has('peer')) return undefined;
  const peer = checkPeer();
  if (peer.kind === 'missing') {
    console.warn(`\nbench: SKIPPING the FastAPI + scikit-learn peer: ${peer.reason}\n`);
  } else {
    progress(`peer stack: ${Object.entries(peer.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  return peer;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = parseOrExit(argv);
  if (spawnSync('wrk', ['--version']).error) throw new Error('wrk is not installed (apt-get install -y wrk); the benchmark drives every server with it');
  const machine = describeMachine();
  const workDir = resolve('.keelson/bench');
  const context: PhaseContext = {
    options,
    workDir,
    logDir: join(workDir, 'logs'),
    modelsDir: join(workDir, 'models'),
    heavyModel: `${DEFAULT_HEAVY.name}:${DEFAULT_HEAVY.version}`,
    bodiesFile: '',
    commands: {},
    progress,
  };
  mkdirSync(context.logDir, { recursive: true });
  progress(`${machine.cores} cores (${machine.cpuModel}), load average ${machine.loadAverageAtStart.join(' ')}; server logs in ${context.logDir}`);
  const heavyDescription = await prepareModels(context.modelsDir, { ...DEFAULT_HEAVY, hidden: options.heavyHidden });
  const bodies = writeInferBodies(workDir);
  context.bodiesFile = bodies.file;
  const peer = peerAvailability(options);

  const results: RunResults = {};
  const phaseA = await phaseCeilingServicePeer(context, peer);
  const byId = (id: string) => phaseA.results.find((r) => r.id === id);
  Object.assign(results, { ceiling: byId('ceiling'), plumbing: byId('plumbing'), service: byId('service'), peers: phaseA.results.filter((r) => r.id.startsWith('peer')) });
  let heavy: Awaited<ReturnType<typeof phaseHeavy>> = { results: [], health: [] };
  if (options.scenarios.has('heavy') || options.scenarios.has('health')) {
    heavy = await phaseHeavy(context);
    Object.assign(results, { heavyOff: heavy.results.find((r) => r.id === 'heavyOff'), heavyOn: heavy.results.find((r) => r.id === 'heavyOn') });
    if (heavy.health.length > 0) results.health = heavy.health;
  }
  if (options.scenarios.has('soak')) results.soak = await phaseSoak(context);
  const targets = evaluateTargets(results);

  const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
  const sections = [
    `Machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.wrk.split(' Copyright')[0]}; load average at start ${machine.loadAverageAtStart.join(' ')}, at end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`,
    `Command: ${command}  (${options.durationS}s per scenario in ${options.rounds} alternating round(s), c${options.connections}, request bodies ${bodies.meanBytes.toFixed(0)} bytes on average)`,
  ];
  const throughput = [...phaseA.results, ...heavy.results];
  if (throughput.length > 0) sections.push(scenarioTable(throughput));
  const layers = decompose(results.ceiling, results.plumbing, results.service);
  if (layers.length > 1) sections.push(decompositionTable(layers));
  if (results.health) sections.push(healthTable(results.health));
  if (results.soak) sections.push(soakTable(results.soak));
  sections.push(targetTable(targets));
  if (peer?.kind === 'missing') sections.push(`Peer skipped: ${peer.reason}`);
  console.log(`\n${sections.join('\n\n')}\n`);

  const date = new Date(started).toISOString().slice(0, 10);
  mkdirSync(options.outDir, { recursive: true });
  const file = join(options.outDir, `${date}${options.quick ? '-quick' : ''}.json`);
  const report = {
    date,
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date().toISOString(),
    command,
    machine: { ...machine, loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100) },
    options: { ...options, scenarios: [...options.scenarios] },
    loadGenerator: 'wrk (closed loop; bench/load/wrk-report.lua)',
    requestBodies: { count: bodies.count, meanBytes: Math.round(bodies.meanBytes) },
    heavyModel: heavyDescription,
    servers: context.commands,
    peer: peer ?? { kind: 'not selected' },
    ...(phaseA.agreement ? { peerAgreement: phaseA.agreement } : {}),
    results,
    ...(layers.length > 1 ? { decomposition: layers } : {}),
    targets,
  };
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  progress(`wrote ${file}`);
}

process.once('SIGINT', () => {
  killAll();
  process.exit(130);
});
try {
  await main();
} catch (error) {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  killAll();
}
