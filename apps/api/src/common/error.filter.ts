import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiError, type ErrorBody } from './api-error';

// Fastify's own errors (raised while reading the body, before Nest sees the request) mapped to
// stable codes, so every bad input gets the same JSON shape and the right 4xx.
const FASTIFY_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    message: 'The request body is larger than allowed.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Send the body as application/json.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'INVALID_JSON', message: 'The JSON body is empty.' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'INVALID_JSON', message: 'The body is not valid JSON.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'INVALID_CONTENT_LENGTH',
    message: 'Content-Length does not match the body.',
  },
  FST_ERR_CTP_INVALID_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Invalid Content-Type.' },
};

export function toErrorResponse(exception: unknown): {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
} {
  if (exception instanceof ApiError) {
    return { status: exception.getStatus(), body: exception.getResponse() as ErrorBody, headers: exception.headers };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const res = exception.getResponse();
    const message = typeof res === 'string' ? res : ((res as { message?: unknown }).message ?? exception.message);
    // Nest wraps Fastify's body-parser errors in a plain HttpException, losing their code.
    if (status === 400 && /JSON/i.test(String(message))) {
      return { status, body: { error: { code: 'INVALID_JSON', message: 'The body is not valid JSON.' } }, headers: {} };
    }
    return {
      status,
      body: {
        error: {
          code: HttpStatus[status] ?? 'HTTP_ERROR',
          message: Array.isArray(message) ? message.join('; ') : String(message),
        },
      },
      headers: {},
    };
  }
  const e = exception as { code?: string; statusCode?: number; message?: string; name?: string };
  // PostgreSQL cancelled a statement at statement_timeout (57014): an aggregate over a period too
  // large for this database, not a server fault; said so, never a bare 500 (found at 1M assessments)
  if (e?.name === 'QueryFailedError' && e.code === '57014') {
    return {
      status: 503,
      body: {
        error: {
          code: 'QUERY_TIMEOUT',
          message: 'This query took too long for the database. Choose a shorter period or a narrower filter.',
        },
      },
      headers: { 'Retry-After': '30' },
    };
  }
  const known = e?.code ? FASTIFY_ERRORS[e.code] : undefined;
  if (known)
    return { status: known.status, body: { error: { code: known.code, message: known.message } }, headers: {} };
  if (e?.name === 'SyntaxError' || (e?.statusCode === 400 && /JSON/i.test(e.message ?? ''))) {
    return {
      status: 400,
      body: { error: { code: 'INVALID_JSON', message: 'The body is not valid JSON.' } },
      headers: {},
    };
  }
  if (e?.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return {
      status: e.statusCode,
      body: { error: { code: e.code ?? 'BAD_REQUEST', message: e.message ?? 'Bad request.' } },
      headers: {},
    };
  }
  return { status: 500, body: { error: { code: 'INTERNAL', message: 'Internal error.' } }, headers: {} };
}

@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(ErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const { status, body, headers } = toErrorResponse(exception);
    // An ApiError is a decided answer (e.g. 503 while Redis is down): only surprises are logged as errors.
    if (status >= 500 && !(exception instanceof ApiError))
      this.logger.error({ msg: 'unhandled error', err: String((exception as Error)?.stack ?? exception) });
    reply.status(status).headers(headers).send(body);
  }
}
