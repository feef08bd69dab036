// Every error a user can see carries a stable code and a sentence that says what to do next.

export class VnetError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'VnetError';
  }
}

export function isVnetError(value: unknown): value is VnetError {
  return value instanceof VnetError;
}

/** One line for a terminal or a notification: `message [CODE]`. */
export function describeError(error: unknown): string {
  if (error instanceof VnetError) return `${error.message} [${error.code}]`;
  if (error instanceof Error) return error.message;
  return String(error);
}
