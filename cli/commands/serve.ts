import { Command, Option } from 'commander';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

const DEFAULT_VERSION_HELP = `
Without --model, every model in DIR is served at its highest version (numerically when versions are numbers: 10 after 9), as
Triton's default version policy does. A version that fails to load is not swapped for an older one: the
server stays not ready and its log says why. The sample repository (keelson models sample) ends in
versions that are faulty on purpose (3 slow, 4 shifted, 5 incompatible, 6 corrupt), so name the version to serve:

  keelson serve --models models --model penguins:2
  keelson serve --models models --model penguins:1 --model penguins:2 --port 9000`;

export function register(program: Command): void {
  program
    .command('serve')
    .description('serve ONNX models over the Open Inference Protocol (KServe V2) and KServe V1, with /metrics and health probes')
    .requiredOption('--models <dir>', 'model repository: DIR/<model>/<version>/model.onnx + model.json')
    .addOption(new Option('--model <name[:version]>', 'serve this model version (NAME alone: its highest); repeatable').argParser(collect).default([], 'every model at its highest version'))
    .addOption(new Option('--host <address>', 'address to listen on').env('KEELSON_HOST').default('127.0.0.1'))
    .addOption(new Option('--port <port>', 'port to listen on (0 = any free port, printed in the "listening" log line)').env('KEELSON_PORT').default('8080'))
    .addOption(new Option('--metrics-port <port>', 'also serve GET /metrics and the health probes on this port, from a thread of their own (point Kubernetes probes here)').env('KEELSON_METRICS_PORT'))
    .addOption(new Option('--body-limit <size>', 'largest request body, e.g. 4MiB (413 beyond)').env('KEELSON_BODY_LIMIT').default('4MiB'))
    .addOption(new Option('--drain-timeout <duration>', 'on SIGTERM/SIGINT, how long in-flight requests may finish, e.g. 10s').env('KEELSON_DRAIN_TIMEOUT').default('10s'))
    .addOption(new Option('--request-timeout <duration>', 'per-request limit on queueing + inference (503 while queued, 504 while running)').env('KEELSON_REQUEST_TIMEOUT').default('30s'))
    .addOption(new Option('--http-headers-timeout <duration>', 'a client must send a request\'s headers within this (408 and close beyond); stops slow-header clients').env('KEELSON_HTTP_HEADERS_TIMEOUT').default('10s'))
    .addOption(new Option('--http-request-timeout <duration>', 'a client must send a whole request, body included, within this (408 and close beyond); not --request-timeout').env('KEELSON_HTTP_REQUEST_TIMEOUT').default('60s'))
    .addOption(new Option('--auth-token-file <path>', 'require "Authorization: Bearer <token>" on model routes, token read from this file (or set KEELSON_AUTH_TOKEN)'))
    .addOption(new Option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent').env('LOG_LEVEL'))
    .addOption(new Option('--workers <n>', 'inference worker threads (default: cores / intra-op threads)').env('KEELSON_WORKERS'))
    .addOption(new Option('--http-workers <n>', 'processes serving HTTP on the port, each with its own inference workers (cores ÷ n each); /metrics answers for all').env('KEELSON_HTTP_WORKERS'))
    .addOption(new Option('--intra-op-threads <n>', 'onnxruntime threads per session (default 1); workers × this ≤ cores').env('KEELSON_INTRA_OP_THREADS'))
    .addOption(new Option('--max-batch-size <n>', 'dynamic batching: most rows per batch, overrides model.json (0 or 1 = off)').env('KEELSON_MAX_BATCH_SIZE'))
    .addOption(new Option('--max-queue-delay-us <us>', 'dynamic batching: longest wait for a batch to fill, overrides model.json').env('KEELSON_MAX_QUEUE_DELAY_US'))
    .addOption(new Option('--max-queue-size <n>', 'requests that may wait per model version before 503 + Retry-After (default: model.json, else 256)').env('KEELSON_MAX_QUEUE_SIZE'))
    .addOption(new Option('--cache-bytes <size>', 'prediction cache (LRU) size, e.g. 64MiB; 0 = off').env('KEELSON_CACHE_BYTES').default('0'))
    .addOption(new Option('--drift-window <rows>', 'recent input rows behind model_input_drift_psi').env('KEELSON_DRIFT_WINDOW').default('1000'))
    .addOption(new Option('--feedback-capacity <n>', 'predictions held by request id for POST .../feedback, the oldest evicted first (0 = feedback off)').env('KEELSON_FEEDBACK_CAPACITY').default('100000'))
    .addOption(new Option('--feedback-ttl <duration>', 'how long a prediction takes a label (410 after, forgotten after twice this)').env('KEELSON_FEEDBACK_TTL').default('1h'))
    .addOption(new Option('--feedback-log <dir>', 'also append labelled rows to DIR/feedback.ndjson (rotated at 16 MiB, 4 old files kept)').env('KEELSON_FEEDBACK_LOG'))
    .addOption(new Option('--execution-provider <list>', 'onnxruntime execution providers in order of preference, e.g. cuda,cpu (default: model.json executionProviders, else cpu); an unavailable one falls back to the next with a warning').env('KEELSON_EXECUTION_PROVIDER'))
    .addOption(new Option('--require-execution-provider', 'fail start-up (exit 2) instead of falling back when the first --execution-provider cannot be used').env('KEELSON_REQUIRE_EXECUTION_PROVIDER'))
    .addHelpText('after', DEFAULT_VERSION_HELP)
    .action(async (flags) => {
      const { serverOptionsFromFlags } = await import('../../service/src/server/serve-flags.js');
      const { runUntilSignal } = await import('../../service/src/server/run-until-signal.js');
      await runUntilSignal(serverOptionsFromFlags(flags, process.env));
    });
}
