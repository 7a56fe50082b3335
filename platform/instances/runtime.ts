/** What to run: one copy of the service serving one model version. */
export interface InstanceSpec {
  name: string;
  model: string;
  version: string;
  modelsDir: string;
  host: string;
  port: number;
  /** ndjson file receiving the instance's ECS log lines. */
  logFile: string;
  /** Extra environment (the role, for log enrichment). */
  env?: Record<string, string>;
}

/** An instance a previous platform run started, as its state.json recorded it. */
export interface AdoptableInstance {
  name: string;
  model: string;
  version: string;
  host: string;
  port: number;
  pid: number | null;
  logFile: string;
}

export interface InstanceExit {
  code: number | null;
  signal: string | null;
}

/** A started instance; readiness is checked over HTTP by the supervisor, not here. */
export interface RunningInstance {
  url: string;
  pid: number | null;
  /** Settles when the instance is gone, whoever stopped it. */
  exited: Promise<InstanceExit>;
  /** Graceful stop (SIGTERM: the service drains), forced after `graceMs`. */
  stop(graceMs: number): Promise<InstanceExit>;
}

/** How instances are run: child processes by default, containers with `--runtime container`. */
export interface InstanceRuntime {
  kind: 'process' | 'container';
  start(spec: InstanceSpec): Promise<RunningInstance>;
  /** Takes over an instance a previous platform run started, when it is still that instance; null otherwise. */
  adopt?(instance: AdoptableInstance): RunningInstance | null;
}
