/** An input of `keelson judge replay` that cannot be used: a policy or scenario file unreadable or invalid. */
export class ReplayInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReplayInputError';
  }
}
