import { startOfUtcDay, startOfUtcMonth } from './retention.job';

// Retention rounds each period down to the start of its partition (UTC day, UTC month), so the
// rows of the tenant that keeps longest go with their partition, never one by one.
describe('partition boundaries', () => {
  it('rounds to the UTC day, whatever the local time zone says', () => {
    expect(startOfUtcDay(new Date('2026-11-30T23:59:59.999Z')).toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(startOfUtcDay(new Date('2026-12-01T00:00:00.000Z')).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(startOfUtcDay(new Date('2026-12-01T08:59:00+09:00')).toISOString()).toBe('2026-11-30T00:00:00.000Z');
  });

  it('rounds to the UTC month, across year ends and leap days', () => {
    expect(startOfUtcMonth(new Date('2026-11-30T12:00:00Z')).toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(startOfUtcMonth(new Date('2027-01-01T00:00:00Z')).toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(startOfUtcMonth(new Date('2026-12-31T23:59:59Z')).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(startOfUtcMonth(new Date('2028-02-29T15:00:00Z')).toISOString()).toBe('2028-02-01T00:00:00.000Z');
  });
});
