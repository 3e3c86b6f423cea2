/** A request to the domain that breaks a rule; the message is a sentence fit to show the user. */
export class ValidationError extends Error {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export class NotFoundError extends Error {}

export class ForbiddenError extends Error {}
