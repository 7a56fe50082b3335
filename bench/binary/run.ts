/**
 * JSON vs the binary tensor extension, side by side on one `keelson serve`: a 64×1024 FP32 input (`wide:1`) and a
 * 1×3×224×224 image (`image:1`). Alternating rounds of each encoding; per round the server's CPU per request (all
 * threads, from /proc/<pid>/stat before and after) and requests per second. Checks first that both encodings give
 * identical outputs. Writes bench/results/binary-<date>.json.
 *
 *   npx tsx bench/binary/run.ts [--rounds 3] [--seconds 5] [--connections 8]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { decodeInferResponse, encodeBinaryRequest, typedOutput } from '../../platform/traffic/binary-body.js';
import { createRandom } from '../../tools/random.js';
import { describeMachine } from '../machine.js';
import { startKeelson } from '../processes/servers.js';
import { killAll } from '../processes/spawn.js';
import { closedLoop, type PreparedRequest } from './client.js';
import { writeImageModel, writeWideModel } from './models.js';

const argument = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};
const ROUNDS = argument('rounds', 3);
const SECONDS = argument('seconds', 5);
const CONNECTIONS = argument('connections', 8);

interface Case { model: string; input: string; shape: number[]; path: string }
const CASES: Case[] = [
  { model: 'wide', input: 'features', shape: [64, 1024], path: '/v2/models/wide/infer' },
  { model: 'image', input: 'image', shape: [1, 3, 224, 224], path: '/v2/models/image/infer' },
];

function requestsFor(c: Case): { json: PreparedRequest; binary: PreparedRequest } {
  const random = createRandom(5);
  const data = Float32Array.from({ length: c.shape.reduce((a, b) => a * b, 1) }, () => random.next() * 2 - 1);
  const json = Buffer.from(JSON.stringify({ inputs: [{ name: c.input, datatype: 'FP32', shape: c.shape, data: Array.from(data) }] }));
  return {
    json: { body: json, headers: { 'content-type': 'application/json' } },
    binary: encodeBinaryRequest([{ name: c.input, datatype: 'FP32', shape: c.shape, data }]),
  };
}

/** Sends both encodings once; throws unless every output value is identical. */
async function checkIdentical(url: string, c: Case, requests: { json: PreparedRequest; binary: PreparedRequest }): Promise<void> {
  const answer = async (r: PreparedRequest) => {
    const res = await fetch(url + c.path, { method: 'POST', headers: r.headers, body: r.body });
    if (res.status !== 200) throw new Error(`${c.model}: ${res.status} ${await res.text()}`);
    return decodeInferResponse(Buffer.from(await res.arrayBuffer()), res.headers.get('inference-header-content-length'));
  };
  const json = await answer(requests.json);
  const binary = await answer(requests.binary);
  for (const output of json.outputs) {
    const twin = binary.outputs.find((o) => o.name === output.name)!;
    const values = Array.from(typedOutput(twin) as ArrayLike<number | bigint>, Number);
    if (JSON.stringify(values) !== JSON.stringify(output.data)) throw new Error(`${c.model}: output "${output.name}" differs between JSON and binary`);
  }
}

interface Round { model: string; encoding: 'json' | 'binary'; round: number; requests: number; errors: number; rps: number; serverCpuMsPerRequest: number; mainThreadCpuMsPerRequest: number; requestBytes: number }

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function main(): Promise<void> {
  const machine = describeMachine();
  const workDir = resolve('.keelson/bench/binary');
  const modelsDir = join(workDir, 'models');
  mkdirSync(join(workDir, 'logs'), { recursive: true });
  const models = [writeWideModel(modelsDir), writeImageModel(modelsDir)];
  const { server, command } = await startKeelson(join(workDir, 'logs'), {
    name: 'keelson serve (binary bench)', modelsDir, model: models[0]!,
    flags: ['--model', models[1]!, '--body-limit', '16MiB', '--log-level', 'warn'],
  });
  const rounds: Round[] = [];
  try {
    for (const c of CASES) {
      const requests = requestsFor(c);
      await checkIdentical(server.url, c, requests);
      await closedLoop(server.url + c.path, requests.binary, CONNECTIONS, 1); // warm-up
      await closedLoop(server.url + c.path, requests.json, CONNECTIONS, 1);
      for (let round = 0; round < ROUNDS; round++) {
        const order: ('json' | 'binary')[] = round % 2 ? ['binary', 'json'] : ['json', 'binary'];
        for (const encoding of order) {
          const mainKey = `${server.pid}/${server.pid}`;
          const cpu0 = server.cpuSeconds();
          const main0 = server.threadCpuSeconds().get(mainKey) ?? 0;
          const run = await closedLoop(server.url + c.path, requests[encoding], CONNECTIONS, SECONDS);
          const cpu = server.cpuSeconds() - cpu0;
          const mainCpu = (server.threadCpuSeconds().get(mainKey) ?? 0) - main0;
          if (run.errors > 0) throw new Error(`${c.model} ${encoding}: ${run.errors} errors, first: ${run.firstError}`);
          rounds.push({
            model: c.model, encoding, round, requests: run.requests, errors: run.errors, rps: run.rps,
            serverCpuMsPerRequest: (cpu * 1000) / run.requests, mainThreadCpuMsPerRequest: (mainCpu * 1000) / run.requests,
            requestBytes: requests[encoding].body.length,
          });
          process.stderr.write(`${c.model} ${encoding} round ${round}: ${run.rps.toFixed(0)} rps, ${((cpu * 1000) / run.requests).toFixed(3)} ms server CPU/request\n`);
        }
      }
    }
  } finally {
    await server.stop();
  }
  const summary = CASES.map((c) => {
    const of = (encoding: 'json' | 'binary', key: 'rps' | 'serverCpuMsPerRequest' | 'mainThreadCpuMsPerRequest') => median(rounds.filter((r) => r.model === c.model && r.encoding === encoding).map((r) => r[key]));
    return {
      model: c.model, shape: c.shape,
      json: { rps: of('json', 'rps'), serverCpuMsPerRequest: of('json', 'serverCpuMsPerRequest'), mainThreadCpuMsPerRequest: of('json', 'mainThreadCpuMsPerRequest') },
      binary: { rps: of('binary', 'rps'), serverCpuMsPerRequest: of('binary', 'serverCpuMsPerRequest'), mainThreadCpuMsPerRequest: of('binary', 'mainThreadCpuMsPerRequest') },
      cpuRatio: of('json', 'serverCpuMsPerRequest') / of('binary', 'serverCpuMsPerRequest'),
      rpsRatio: of('binary', 'rps') / of('json', 'rps'),
    };
  });
  const result = {
    date: new Date().toISOString(), machine, loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100),
    command: `npx tsx bench/binary/run.ts --rounds ${ROUNDS} --seconds ${SECONDS} --connections ${CONNECTIONS}`, server: command,
    outputsIdentical: true, summary, rounds,
  };
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/binary-${result.date.slice(0, 16).replace(':', '')}.json`;
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log('| input | encoding | rps | server CPU / request | main thread CPU / request |\n| :--- | :--- | ---: | ---: | ---: |');
  for (const s of summary) {
    for (const encoding of ['json', 'binary'] as const) {
      console.log(`| ${s.model} [${s.shape.join('×')}] | ${encoding} | ${s[encoding].rps.toFixed(0)} | ${s[encoding].serverCpuMsPerRequest.toFixed(3)} ms | ${s[encoding].mainThreadCpuMsPerRequest.toFixed(3)} ms |`);
    }
    console.log(`| | JSON ÷ binary | ${s.rpsRatio.toFixed(2)}× rps | ${s.cpuRatio.toFixed(2)}× CPU | |`);
  }
  console.log(`\nload average ${machine.loadAverageAtStart.join(' ')} → ${result.loadAverageAtEnd.join(' ')}; ${file}`);
}

main().catch((error: unknown) => {
  killAll();
  console.error(error);
  process.exit(1);
});
