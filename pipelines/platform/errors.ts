/** A request to the platform that conflicts with what is running (a rollout already in progress...). */
export class PlatformConflict extends Error {
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'PlatformConflict';
  }
}

/** A request naming something the platform does not have. */
export class PlatformNotFound extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlatformNotFound';
  }
}

/** A request with a bad field; the message names the field, the value and what was expected. */
export class PlatformBadRequest extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlatformBadRequest';
  }
}

/** The platform is not running where the caller looked for it. */
export class PlatformUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlatformUnavailable';
  }
}
