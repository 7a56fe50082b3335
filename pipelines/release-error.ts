/** A release refused or failed, with what the person (or the CI log's reader) should do next. */
export class ReleaseError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ReleaseError';
  }
}
