/** An input of `keelson judge replay` that cannot be used: a policy or scenario file unreadable or invalid. */
export class ReplayInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayInputError';
  }
}

/** Prometheus could not answer a query (down, timed out, or refused it): no verdict can be given, never a promote. */
export class PrometheusUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PrometheusUnavailable';
  }
}
