/** A policy that cannot be used; `problems` holds one message per wrong field. */
export class PolicyError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source}: invalid rollout policy\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PolicyError';
  }
}

/** A rollout refused because another is running; `runningId` names it. */
export class RolloutConflict extends Error {
  constructor(message: string, readonly runningId: string) {
    super(message);
    this.name = 'RolloutConflict';
  }
}
