import { HttpStatus } from '@nestjs/common';
import { ApiError } from '../common/api-error';

/** The console's error codes, in the API's one error shape. */
export const AdminErrors = {
  unauthenticated: () =>
    new ApiError(
      HttpStatus.UNAUTHORIZED,
      'UNAUTHENTICATED',
      'Sign in to the console first (session missing or expired).',
    ),
  invalidCredentials: () =>
    new ApiError(HttpStatus.UNAUTHORIZED, 'INVALID_CREDENTIALS', 'E-mail or password is wrong.'),
  totpRequired: () =>
    new ApiError(HttpStatus.UNAUTHORIZED, 'TOTP_REQUIRED', 'Enter the 6-digit code from your authenticator app.'),
  tooManyAttempts: (retryAfter: number) =>
    new ApiError(
      HttpStatus.TOO_MANY_REQUESTS,
      'TOO_MANY_ATTEMPTS',
      'Too many sign-in attempts. Try again later.',
      { retryAfter },
      { 'Retry-After': String(retryAfter) },
    ),
  csrf: () => new ApiError(HttpStatus.FORBIDDEN, 'CSRF_TOKEN_INVALID', 'Missing or wrong X-CSRF-Token header.'),
  forbidden: () => new ApiError(HttpStatus.FORBIDDEN, 'FORBIDDEN', 'Your role does not allow this.'),
  passwordChangeRequired: () =>
    new ApiError(HttpStatus.FORBIDDEN, 'PASSWORD_CHANGE_REQUIRED', 'Set a new password first.'),
  invalid: (message: string, details?: unknown) =>
    new ApiError(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', message, details),
  conflict: (message: string) => new ApiError(HttpStatus.CONFLICT, 'CONFLICT', message),
};
