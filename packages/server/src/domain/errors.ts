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

/** The user's role on a board does not allow the action, whatever the token's scopes. */
export class InsufficientRoleError extends ForbiddenError {
  constructor(
    message: string,
    readonly role: string,
    readonly requiredRole: string,
  ) {
    super(message);
  }
}
