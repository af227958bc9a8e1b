import type { AdminConfigRepository, AdminInsightsRepository } from '@kizuki/database';
import { DEFAULT_POLICY } from '@kizuki/scoring';
import type { AuditLog } from '../../common/audit-log.service';
import type { PolicyDto } from '../admin.dto';
import type { AdminPrincipal } from '../auth/admin-session.service';
import { PolicyService } from './policy.service';

const tenantId = '11111111-1111-4111-8111-111111111111';
const p = { tenantId, adminId: 'a1', email: 'ana@example.com', role: 'admin' } as AdminPrincipal;
const proposed = (challenge: number, deny: number, shadowMode = false) =>
  ({ ...DEFAULT_POLICY, thresholds: { challenge, deny }, shadowMode }) as unknown as PolicyDto;

function make() {
  const repo = { policy: jest.fn().mockResolvedValue({}), setPolicy: jest.fn().mockResolvedValue(undefined) };
  const insights = { backtest: jest.fn().mockResolvedValue([]) };
  const audit = { record: jest.fn().mockResolvedValue(undefined) };
  const service = new PolicyService(
    repo as unknown as AdminConfigRepository,
    insights as unknown as AdminInsightsRepository,
    audit as unknown as AuditLog,
  );
  return { repo, insights, audit, service };
}

describe('PolicyService', () => {
  afterEach(() => jest.useRealTimers());

  it('saves the policy in the tenant and audits only the fields that changed', async () => {
    const { repo, audit, service } = make();
    const { policy } = await service.save(p, proposed(30, 80));
    expect(policy.thresholds).toEqual({ challenge: 30, deny: 80 });
    expect(repo.setPolicy).toHaveBeenCalledWith(tenantId, policy);
    expect(audit.record).toHaveBeenCalledWith(
      p,
      'policy.update',
      { type: 'policy', id: tenantId },
      { 'thresholds.challenge': 40 },
      {
        'thresholds.challenge': 30,
      },
    );
  });

  it('refuses a challenge threshold at or above deny, saving and auditing nothing', async () => {
    const { repo, audit, insights, service } = make();
    await expect(service.save(p, proposed(80, 80))).rejects.toMatchObject({ status: 400 });
    await expect(service.backtest(tenantId, proposed(90, 80))).rejects.toMatchObject({ status: 400 });
    expect(repo.setPolicy).not.toHaveBeenCalled();
    expect(insights.backtest).not.toHaveBeenCalled();
    expect(audit.record).not.toHaveBeenCalled();
  });

  it('replays the 7 days before the clock and counts how decisions and outcomes would move', async () => {
    jest.useFakeTimers().setSystemTime(new Date('2026-03-01T00:30:00Z'));
    const { insights, service } = make();
    insights.backtest.mockResolvedValue([
      { event: 'login', before: 'allow', after: 'allow', label: null, n: 10 },
      { event: 'login', before: 'allow', after: 'challenge', label: 'fraud', n: 3 },
      { event: 'login', before: 'challenge', after: 'allow', label: 'legit', n: 2 },
      { event: 'registration', before: 'deny', after: 'deny', label: 'legit', n: 1 },
    ]);
    const dto = { ...proposed(30, 70, true), events: { registration: { challenge: 20, deny: 60 } } } as PolicyDto;
    const r = await service.backtest(tenantId, dto);
    expect(insights.backtest).toHaveBeenCalledWith(
      tenantId,
      new Date('2026-02-22T00:30:00Z'),
      { challenge: 30, deny: 70, shadow: true },
      { ...DEFAULT_POLICY.events, registration: { challenge: 20, deny: 60 } },
    );
    expect(r).toMatchObject({
      days: 7,
      total: 16,
      current: { allow: 13, challenge: 2, deny: 1 },
      proposed: { allow: 12, challenge: 3, deny: 1 },
      changed: 5,
      fraudAllowed: { current: 3, proposed: 0 },
      legitBlocked: { current: 3, proposed: 1 },
      matrix: { 'allow->allow': 10, 'allow->challenge': 3, 'challenge->allow': 2, 'deny->deny': 1 },
    });
    expect(r.byEvent.login).toMatchObject({ total: 15, changed: 5, current: { allow: 13, challenge: 2, deny: 0 } });
    expect(r.byEvent.registration).toMatchObject({ total: 1, changed: 0, legitBlocked: { current: 1, proposed: 1 } });
  });

  it('refuses an event threshold pair out of order, and keeps what the form does not send', async () => {
    const { repo, service } = make();
    const bad = { ...proposed(40, 80), events: { profile_update: { challenge: 70, deny: 60 } } } as PolicyDto;
    await expect(service.save(p, bad)).rejects.toMatchObject({ status: 400 });
    repo.policy.mockResolvedValue({
      signup: { deviceAccounts: 7 },
      events: { password_reset: { challenge: 10, deny: 50 } },
    });
    const { thresholds, fallbackDecision, shadowMode, detectors } = DEFAULT_POLICY;
    const form = { thresholds, fallbackDecision, shadowMode, detectors } as PolicyDto; // what PolicyDto lets through
    const { policy } = await service.save(p, form);
    expect(policy.signup.deviceAccounts).toBe(7);
    expect(policy.events.password_reset).toEqual({ challenge: 10, deny: 50 });
  });
});
