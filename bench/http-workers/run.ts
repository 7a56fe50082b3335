/**
 * `--http-workers`: bare node:http at 1 and 2 processes beside `keelson serve` (penguins:2, one row per request) at 1 and
 * 2 HTTP workers, side by side in alternating rounds (wrk, c=64). Reports rps, CPU per request and the CPU per request
 * of the busiest thread, and writes bench/results/http-workers-<date>.json.
 *
 *   npx tsx bench/http-workers/run.ts [--seconds 20] [--rounds 4] [-- keelson serve flags, e.g. --feedback-capacity 0]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeInferBodies } from '../load/bodies.js';
import { describeMachine } from '../machine.js';
import { DEFAULT_HEAVY, prepareModels } from '../models.js';
import { startKeelson, type Started } from '../processes/servers.js';
import { killAll, startServer } from '../processes/spawn.js';
import { runSideBySide } from '../scenarios/side-by-side.js';

const argument = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};
const SECONDS = argument('seconds', 20);
const ROUNDS = argument('rounds', 4);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SERVE_FLAGS = process.argv.includes('--') ? process.argv.slice(process.argv.indexOf('--') + 1) : [];

async function bare(logDir: string, processes: number): Promise<Started> {
  const args = ['--import', 'tsx', join(ROOT, 'bench/servers/bare-http.ts')];
  const server = await startServer({
    name: `node:http ×${processes}`, command: process.execPath, args, env: { ...process.env, BENCH_HTTP_PROCESSES: String(processes) },
    logFile: join(logDir, `bare-http-${processes}.log`), urlPattern: /listening on (http:\/\/[\d.]+:\d+)/, readyPath: '/',
  });
  return { server, command: `BENCH_HTTP_PROCESSES=${processes} node --import tsx bench/servers/bare-http.ts` };
}

async function main(): Promise<void> {
  const machine = describeMachine();
  const workDir = resolve('.keelson/bench/http-workers');
  const logDir = join(workDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const modelsDir = join(workDir, 'models');
  await prepareModels(modelsDir, DEFAULT_HEAVY);
  const bodies = writeInferBodies(workDir);
  const started: Started[] = [];
  try {
    started.push(await bare(logDir, 1), await bare(logDir, 2));
    for (const n of [1, 2]) {
      started.push(await startKeelson(logDir, { name: `keelson --http-workers ${n}`, modelsDir, model: 'penguins:2', flags: ['--http-workers', String(n), '--log-level', 'warn', ...SERVE_FLAGS] }));
    }
    const targets = started.map((s, i) => ({
      id: ['bare1', 'bare2', 'keelson1', 'keelson2'][i]!, label: s.server.name, server: s.server, connections: 64,
      path: i < 2 ? '/' : '/v2/models/penguins/versions/2/infer',
      ...(i < 2 ? {} : { batchMetrics: { model: 'penguins', version: '2' } }),
    }));
    const results = await runSideBySide(targets, { durationS: SECONDS, rounds: ROUNDS, warmupS: 3, bodiesFile: bodies.file, wrkThreads: 1, onProgress: (line) => process.stderr.write(`${line}\n`) });
    const byId = (id: string) => results.find((r) => r.id === id)!;
    const summary = [1, 2].map((n) => ({
      processes: n,
      bareRps: byId(`bare${n}`).rps, keelsonRps: byId(`keelson${n}`).rps, ratio: byId(`keelson${n}`).rps / byId(`bare${n}`).rps,
      keelsonBusiestThreadCpuMsPerRequest: byId(`keelson${n}`).busiestThreadCpuMsPerRequest, bareBusiestThreadCpuMsPerRequest: byId(`bare${n}`).busiestThreadCpuMsPerRequest,
    }));
    const date = new Date().toISOString();
    const out = { date, machine, loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100), command: `npx tsx bench/http-workers/run.ts --seconds ${SECONDS} --rounds ${ROUNDS}${SERVE_FLAGS.length ? ` -- ${SERVE_FLAGS.join(' ')}` : ''}`, commands: started.map((s) => s.command), summary, results };
    mkdirSync('bench/results', { recursive: true });
    const file = `bench/results/http-workers-${date.slice(0, 16).replace(':', '')}.json`;
    writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
    console.log('| server | rps (c=64) | p99 | CPU / request | busiest thread CPU / request | mean batch |\n| :--- | ---: | ---: | ---: | ---: | ---: |');
    for (const r of results) console.log(`| ${r.label} | ${r.rps.toFixed(0)} | ${r.p99Ms.toFixed(1)} ms | ${r.cpuMsPerRequest.toFixed(3)} ms | ${r.busiestThreadCpuMsPerRequest.toFixed(3)} ms | ${Number.isNaN(r.meanBatchSize) ? '' : r.meanBatchSize.toFixed(1)} |`);
    for (const s of summary) console.log(`\n${s.processes} process(es): keelson ÷ node:http = ${s.ratio.toFixed(2)}`);
    console.log(`load average ${machine.loadAverageAtStart.join(' ')} → ${out.loadAverageAtEnd.join(' ')}; ${file}`);
  } finally {
    for (const s of started) await s.server.stop();
  }
}

main().catch((error: unknown) => {
  killAll();
  console.error(error);
  process.exit(1);
});
