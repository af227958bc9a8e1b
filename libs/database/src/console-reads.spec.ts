import type { DataSource } from 'typeorm';
import { ConsoleReads, isConnectionFailure, isRecoveryConflict } from './console-reads';

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
    for (const e of [
      { code: '42P01' },
      { driverError: { code: '22P02' } },
      new Error('syntax error at or near "SELEC"'),
      null,
      undefined,
    ]) {
      expect(isConnectionFailure(e)).toBe(false);
    }
  });
});

describe('ConsoleReads', () => {
  const primary = { name: 'primary' } as unknown as DataSource;
  const replica = { name: 'replica', isInitialized: true } as unknown as DataSource;
  const reads = () => new ConsoleReads(primary, replica);
  const on = (db: DataSource) => (db as unknown as { name: string }).name;

  it('reads the replica while it answers', async () => {
    const r = reads();
    expect(await r.run(async (db) => on(db))).toBe('replica');
    expect(await r.run(async (db) => on(db))).toBe('replica');
  });

  it('once the replica stops answering, reads go to the primary without trying it again for a while', async () => {
    const r = reads();
    (r as unknown as { logger: { warn: () => void } }).logger.warn = () => undefined;
    const tried: string[] = [];
    const read = async (db: DataSource) => {
      tried.push(on(db));
      if (db === replica) throw Object.assign(new Error('Connection terminated unexpectedly'), { code: undefined });
      return on(db);
    };
    expect(await r.run(read)).toBe('primary');
    expect(await r.run(read)).toBe('primary');
    expect(tried).toEqual(['replica', 'primary', 'primary']); // the second read did not wait on the replica
  });

  it('answers a query the standby cancelled for recovery from the primary, and keeps using the replica', async () => {
    const r = reads();
    const conflict = Object.assign(new Error('canceling statement due to conflict with recovery'), { code: '40001' });
    let first = true;
    const read = async (db: DataSource) => {
      if (db === replica && first) {
        first = false;
        throw conflict;
      }
      return on(db);
    };
    expect(await r.run(read)).toBe('primary');
    expect(await r.run(read)).toBe('replica');
    expect(isRecoveryConflict(conflict)).toBe(true);
    expect(isRecoveryConflict(Object.assign(new Error('could not serialize access'), { code: '40001' }))).toBe(false);
  });

  it('a wrong query fails as it is (the primary would refuse it too)', async () => {
    await expect(
      reads().run(async () => Promise.reject(Object.assign(new Error('relation does not exist'), { code: '42P01' }))),
    ).rejects.toThrow(/does not exist/);
  });
});
