/** Every error answer of the API. */
export interface ErrorAnswer {
  error: { code: string; message: string; details?: unknown };
}

/** An error answer as a caller (the client, the console) receives it, with its HTTP status. */
export class KizukiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** From a failed answer's parsed body (null when it was not JSON). */
  static fromAnswer(status: number, body: unknown, fallbackMessage: string): KizukiError {
    const e = (body as Partial<ErrorAnswer> | null)?.error;
    return new KizukiError(status, e?.code ?? 'HTTP_ERROR', e?.message ?? fallbackMessage, e?.details);
  }
}
