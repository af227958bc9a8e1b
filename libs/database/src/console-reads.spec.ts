import { isConnectionFailure } from './console-reads';

describe('isConnectionFailure', () => {
  it('is true for a replica that cannot be reached or went away', () => {
    for (const e of [
      { code: 'ECONNREFUSED' },
      { driverError: { code: '57P01' } }, // terminating connection due to administrator command
      { code: '08006' }, // connection failure
      { code: '3D000' }, // database does not exist
      new Error('timeout exceeded when trying to connect'),
      new Error('Connection terminated unexpectedly'),
    ]) {
      expect(isConnectionFailure(e)).toBe(true);
    }
  });

  it('is false for a query that is wrong, which the primary would refuse too', () => {
    for (const e of [{ code: '42P01' }, { driverError: { code: '22P02' } }, new Error('syntax error at or near "SELEC"'), null, undefined]) {
      expect(isConnectionFailure(e)).toBe(false);
    }
  });
});
