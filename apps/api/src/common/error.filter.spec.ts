import { toErrorResponse } from './error.filter';

describe('toErrorResponse', () => {
  it('answers a statement cancelled at statement_timeout with 503 QUERY_TIMEOUT, not a 500', () => {
    const e = Object.assign(new Error('canceling statement due to statement timeout'), {
      name: 'QueryFailedError',
      code: '57014',
    });
    const r = toErrorResponse(e);
    expect(r.status).toBe(503);
    expect(r.body.error.code).toBe('QUERY_TIMEOUT');
    expect(r.headers['Retry-After']).toBe('30');
    // any other database error stays an internal error, without its message
    const other = toErrorResponse(Object.assign(new Error('relation x does not exist'), { name: 'QueryFailedError' }));
    expect(other).toEqual({
      status: 500,
      body: { error: { code: 'INTERNAL', message: 'Internal error.' } },
      headers: {},
    });
  });
});
