/** A graph the optimizer cannot transform safely; the message names the node, its operator and what was expected. */
export class UnsupportedGraphError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedGraphError';
  }
}

/** A bad optimize request (ratio out of range, version taken, …): the field, the value and what was expected. */
export class OptimizeRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptimizeRequestError';
  }
}
