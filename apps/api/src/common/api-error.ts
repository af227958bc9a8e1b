import { HttpException, HttpStatus } from '@nestjs/common';

/** The one error shape of the public API: { error: { code, message, details? } }. */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export class ApiError extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super({ error: { code, message, ...(details === undefined ? {} : { details }) } } satisfies ErrorBody, status);
  }
}

export const Errors = {
  missingKey: (header: string) =>
    new ApiError(HttpStatus.UNAUTHORIZED, 'UNAUTHENTICATED', `Missing API key: send it in ${header}.`),
  invalidKey: () =>
    new ApiError(HttpStatus.UNAUTHORIZED, 'UNAUTHENTICATED', 'The API key is not valid, revoked or of the wrong kind.'),
  originNotAllowed: (origin: string | null) =>
    new ApiError(
      HttpStatus.FORBIDDEN,
      'ORIGIN_NOT_ALLOWED',
      `Origin ${origin ?? '(none)'} is not allowed for this publishable key.`,
    ),
  appNotAllowed: (appId: string) =>
    new ApiError(
      HttpStatus.FORBIDDEN,
      'APP_NOT_ALLOWED',
      `App ${appId} is not registered for this publishable key's tenant.`,
    ),
  notFound: (what: string) => new ApiError(HttpStatus.NOT_FOUND, 'NOT_FOUND', `${what} not found.`),
  validation: (details: unknown) =>
    new ApiError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'The request body is not valid.', details),
  unavailable: (message: string) =>
    new ApiError(HttpStatus.SERVICE_UNAVAILABLE, 'UNAVAILABLE', message, undefined, { 'Retry-After': '1' }),
};
