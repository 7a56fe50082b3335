import type { Command } from 'commander';
import { CliError } from '../cli-error.js';

/** One row of `models list`. */
interface ListedVersion {
  model: string;
  version: string;
  sha: 'ok' | 'MISMATCH' | 'unreadable';
  accuracy?: number;
  detail: string;
}

export function register(program: Command): void {
  const models = program.command('models').description('create and inspect model repositories (DIR/<model>/<version>/model.{onnx,json})');

  models
    .command('sample')
    .description('train the penguins sample classifiers (versions 1-6, including the deliberately faulty 3-6) and write them as ONNX')
    .requiredOption('-o, --out <dir>', 'model repository directory to write into (created if missing)')
    .option('-f, --force', 'retrain and rewrite even when the directory already holds current samples', false)
    .action(async (options: { out: string; force: boolean }) => {
      const { ensureSampleModels, writeSampleModels } = await import('../../tools/samples/index.js');
      const progress = (line: string): void => void process.stderr.write(`keelson models sample: ${line}\n`);
      let summary;
      try {
        summary = options.force ? writeSampleModels(options.out, progress) : await ensureSampleModels(options.out, progress);
      } catch (error) {
        throw new CliError(`--out ${options.out}: cannot write the sample models (${error instanceof Error ? error.message : String(error)})`);
      }
      if (!summary.written) progress(`${options.out} already holds current samples (use --force to rewrite)`);
      const rows = summary.versions.map((v) => [`${summary.model}:${v.version}`, v.kind, formatAccuracy(v.accuracy), v.description]);
      process.stdout.write(table(['MODEL', 'KIND', 'ACCURACY', 'DESCRIPTION'], rows));
    });

  models
    .command('list')
    .description('list every model version in a repository, verify each sha256 and show its held-out accuracy')
    .requiredOption('-m, --models <dir>', 'model repository directory')
    .option('--check', 'exit with status 2 when any version fails verification (sha256 mismatch, unreadable files)', false)
    .action(async (options: { models: string; check: boolean }) => {
      const listed = await listRepository(options.models);
      const rows = listed.map((v) => [`${v.model}:${v.version}`, v.sha, formatAccuracy(v.accuracy), v.detail]);
      process.stdout.write(table(['MODEL', 'SHA256', 'ACCURACY', 'DETAIL'], rows));
      if (options.check && listed.some((v) => v.sha !== 'ok')) process.exitCode = 2;
    });

  models
    .command('optimize')
    .description('write a cheaper copy of a model version (int8, int8 weights, fp16, structured pruning) with its lineage and a measured comparison')
    .requiredOption('-m, --models <dir>', 'model repository directory')
    .requiredOption('--model <name:version>', 'the version to optimize, e.g. penguins:2')
    .option('--quantize <format>', 'int8 (dynamic: int8 weights and integer MatMul), int8-weights (int8 storage, float compute) or fp16')
    .option('--prune <ratio>', 'remove this fraction of hidden units (smallest weight norms) between dense layers, e.g. 0.5; before quantizing')
    .option('--as <version>', 'version to write (default: the next free integer version)')
    .option('--per-tensor', 'one int8 scale per weight matrix instead of one per output unit', false)
    .option('--full-range', 'int8: weights in [-127, 127] instead of [-63, 63] (only safe on CPUs with VNNI; see docs/optimization.md)', false)
    .option('--rows <n>', 'rows drawn from the manifest\'s reference to compare source and result', '512')
    .option('--measure-ms <ms>', 'time spent timing each of single-row latency and batch-64 throughput per model', '500')
    .action(async (options: OptimizeFlags) => {
      const { optimizeVersion } = await import('../../optimize/optimize-version.js');
      const { formatComparison } = await import('../../optimize/report.js');
      const { OptimizeRequestError, UnsupportedGraphError } = await import('../../optimize/errors.js');
      const [name = '', version] = options.model.split(':');
      if (!name || !version) throw new CliError(`--model ${JSON.stringify(options.model)}: expected NAME:VERSION, e.g. penguins:2`, 2);
      const prune = options.prune === undefined ? undefined : Number(options.prune);
      if (prune !== undefined && !(prune > 0 && prune < 1)) throw new CliError(`--prune ${options.prune}: expected a fraction between 0 and 1 (exclusive), e.g. 0.5`, 2);
      try {
        const result = await optimizeVersion({
          modelsDir: options.models,
          name,
          version,
          ...(options.as === undefined ? {} : { as: options.as }),
          spec: {
            ...(options.quantize === undefined ? {} : { quantize: options.quantize as 'int8' }),
            ...(prune === undefined ? {} : { prune }),
            granularity: options.perTensor ? 'per-tensor' : 'per-channel',
            reduceRange: !options.fullRange,
          },
          rows: positiveInt(options.rows, '--rows'),
          budgetMs: positiveInt(options.measureMs, '--measure-ms'),
          intraOpThreads: 1,
        });
        process.stderr.write(`keelson models optimize: wrote ${result.dir} (${result.manifest.lineage.transform} of ${name}:${version})\n`);
        process.stdout.write(formatComparison(`${name}:${version}`, `${name}:${result.version}`, result.manifest.comparison));
      } catch (error) {
        if (error instanceof OptimizeRequestError || error instanceof UnsupportedGraphError) throw new CliError(`keelson models optimize ${name}:${version}: ${error.message}`, 2);
        throw error;
      }
    });

  models
    .command('retrain')
    .description('train a penguins candidate on the training data plus labelled production rows; write it as a new version only if it is at least as good as the live version on the held-out split and on recent labelled traffic (exit 2 and the comparison otherwise)')
    .requiredOption('-m, --models <dir>', 'model repository directory')
    .requiredOption('--model <name>', 'model to retrain (a penguins classifier: four measurements, three species)')
    .option('--data <file>', 'labelled rows: CSV with columns bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,truth, or NDJSON {"features":[...],"truth":"..."}; repeatable', collect, [])
    .option('--feedback-log <dir>', "the service's --feedback-log directory (feedback.ndjson and its rotated files)")
    .option('--as <version>', 'version to write (default: the next integer version)')
    .option('--live <version>', 'the version to beat (default: the one deploy/<env>.yaml names with --propose, else the highest version that verifies)')
    .option('--tolerance <fraction>', 'how far below the live accuracy the candidate may be on each set (default: 0.02, one held-out penguin)')
    .option('--propose <env>', 'write the new version into deploy/<env>.yaml (version, uri, sha256) and commit that file; the GitOps agent rolls it out as a canary')
    .option('--repo <dir>', 'git repository holding deploy/<env>.yaml (with --propose)', '.')
    .action(async (options: RetrainFlags) => {
      await runRetrain(options);
    });
}

interface OptimizeFlags {
  models: string;
  model: string;
  quantize?: string;
  prune?: string;
  as?: string;
  perTensor: boolean;
  fullRange: boolean;
  rows: string;
  measureMs: string;
}

interface RetrainFlags {
  models: string;
  model: string;
  data: string[];
  feedbackLog?: string;
  as?: string;
  live?: string;
  tolerance?: string;
  propose?: string;
  repo: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

async function runRetrain(options: RetrainFlags): Promise<void> {
  const [{ retrainModel }, { formatComparison, DEFAULT_TOLERANCE }, { proposeTarget, proposeVersion }, { RetrainInputError }, { releaseGit }, { ReleaseError }, { DeploySpecError }, { zxExec }] = await Promise.all([
    import('../../retrain/retrain.js'),
    import('../../retrain/gate.js'),
    import('../../retrain/propose.js'),
    import('../../retrain/errors.js'),
    import('../../pipelines/release-git.js'),
    import('../../pipelines/release-error.js'),
    import('../../contract/deploy-spec.js'),
    import('../../steps/exec.js'),
  ]);
  // retrain/ is loaded only here: the service image, which runs this CLI, does not carry it.
  const tolerance = options.tolerance === undefined ? DEFAULT_TOLERANCE : Number(options.tolerance);
  if (!(tolerance >= 0 && tolerance < 1)) throw new CliError(`--tolerance ${options.tolerance}: expected a fraction from 0 up to 1, e.g. 0.01`, 2);
  const progress = (line: string): void => void process.stderr.write(`keelson models retrain: ${line}\n`);
  try {
    const git = releaseGit(zxExec, options.repo);
    const target = options.propose === undefined ? undefined : await proposeTarget(options.repo, options.propose, options.model, git);
    if (target && options.live !== undefined && options.live !== target.model.version) {
      throw new CliError(`--live ${options.live} with --propose ${options.propose}: the live version is the one ${target.specPath} names (${target.model.version}); drop --live`, 2);
    }
    const live = target?.model.version ?? options.live;
    const outcome = await retrainModel({
      modelsDir: options.models,
      name: options.model,
      dataFiles: options.data,
      ...(options.feedbackLog === undefined ? {} : { feedbackLog: options.feedbackLog }),
      ...(options.as === undefined ? {} : { as: options.as }),
      ...(live === undefined ? {} : { live }),
      ...(target ? { liveSha256: target.model.sha256 } : {}),
      tolerance,
      onProgress: progress,
    });
    process.stdout.write(formatComparison(outcome.verdict, { live: `${options.model}:${outcome.live}`, candidate: `${options.model}:${outcome.candidate}` }, outcome.rows));
    if (outcome.kind === 'refused') throw new CliError(`models retrain: the candidate is not as good as ${options.model}:${outcome.live}; nothing written`, 2);
    if (!target) return;
    const proposed = await proposeVersion(git, target, { version: outcome.candidate, dir: outcome.dir, sha256: outcome.manifest.sha256, scores: outcome.verdict.candidate });
    progress(`committed ${proposed.commit.slice(0, 12)} to ${target.specPath}: ${proposed.message}`);
  } catch (error) {
    if (error instanceof RetrainInputError || error instanceof DeploySpecError) throw new CliError(error.message);
    if (error instanceof ReleaseError) throw new CliError(error.hint ? `${error.message}\n  → ${error.hint}` : error.message);
    throw error;
  }
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${flag} ${value}: expected a positive integer`, 2);
  return n;
}

async function listRepository(dir: string): Promise<ListedVersion[]> {
  const { scanRepository } = await import('../../service/src/repository/scan.js');
  const { readModelVersion } = await import('../../service/src/repository/read-version.js');
  let found: Map<string, string[]>;
  try {
    found = await scanRepository(dir);
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error));
  }
  if (found.size === 0) throw new CliError(`--models ${dir}: no models found (expected ${dir}/<model>/<version>/model.onnx)`);
  const listed: ListedVersion[] = [];
  for (const [model, versions] of found) {
    for (const version of versions) {
      const files = await readModelVersion(dir, { name: model, version });
      const accuracy = files.manifest?.metrics?.accuracy;
      const sha = files.ok ? 'ok' : files.reason.startsWith('sha256 mismatch') ? 'MISMATCH' : 'unreadable';
      const detail = files.ok ? (files.manifest.description ?? '') : files.reason;
      listed.push({ model, version, sha, detail, ...(accuracy === undefined ? {} : { accuracy }) });
    }
  }
  return listed;
}

function formatAccuracy(accuracy: number | undefined): string {
  return accuracy === undefined ? '-' : `${(accuracy * 100).toFixed(1)}%`;
}

/** Left-aligned columns; the last column is not padded so long descriptions do not add trailing spaces. */
function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((row) => (row[c] ?? '').length)));
  return all.map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c] ?? 0))).join('  ')).join('\n') + '\n';
}
