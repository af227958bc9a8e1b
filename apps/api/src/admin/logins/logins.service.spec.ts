import type { AdminInsightsRepository, AssessmentRepository, LoginListRow } from '@kizuki/database';
import type { KizukiConfig } from '@kizuki/config';
import { sealDisplayLabel } from '@kizuki/crypto';
import type { AuditLog } from '../../common/audit-log.service';
import { DisplayLabels } from '../../common/display-labels.service';
import type { PseudonymService } from '../../common/pseudonym.service';
import type { FeedbackService } from '../../feedback/feedback.service';
import type { AdminPrincipal } from '../auth/admin-session.service';
import { LoginsService } from './logins.service';

const tenantId = '11111111-1111-4111-8111-111111111111';
const loginId = '77777777-7777-4777-8777-777777777777';
const p = { tenantId, adminId: 'a1', email: 'ana@example.com', role: 'analyst' } as AdminPrincipal;
const secret = 's'.repeat(40);
const labels = new DisplayLabels({ KIZUKI_SECRET: secret } as KizukiConfig);
const sealedLabel = sealDisplayLabel(secret, tenantId, { email: 'hanako@example.jp', label: 'VIP' }).sealed;
const row = (id: string, ip: string) =>
  ({
    id,
    createdAt: '2026-01-01T00:30:00.000Z',
    cursorAt: '2026-01-01T00:30:00.123456Z',
    reasonCodes: ['NEW_DEVICE'],
    ip,
    userHash: 'f'.repeat(64),
    accountId: 'acc1',
    decision: 'allow',
    event: 'login',
    label: null,
    displayLabel: sealedLabel,
    assigneeId: null,
    reviewNote: null,
  }) as unknown as LoginListRow;

function make() {
  const insights = {
    listLogins: jest.fn().mockResolvedValue([]),
    streamLogins: jest.fn(async function* () {
      yield [row(loginId, '203.0.113.7')];
    }),
  };
  const assessments = { findById: jest.fn().mockResolvedValue({ id: loginId, label: null }) };
  const feedback = { record: jest.fn().mockResolvedValue({ id: 'fb1' }) };
  const pseudonyms = { user: jest.fn((t: string, u: string) => `h:${t}:${u}`) };
  const audit = { record: jest.fn().mockResolvedValue(undefined) };
  (insights as Record<string, unknown>).setReview = jest.fn().mockResolvedValue({ assigneeId: null, note: null });
  const service = new LoginsService(
    insights as unknown as AdminInsightsRepository,
    assessments as unknown as AssessmentRepository,
    feedback as unknown as FeedbackService,
    pseudonyms as unknown as PseudonymService,
    audit as unknown as AuditLog,
    labels,
  );
  return {
    insights: insights as typeof insights & { setReview: jest.Mock },
    assessments,
    feedback,
    pseudonyms,
    audit,
    service,
  };
}

describe('LoginsService', () => {
  it('filters by the pseudonym of a typed user id and the canonical address, in the tenant', async () => {
    const { insights, service } = make();
    await service.page(p, { user: 'hanako@example.jp', ip: '::ffff:203.0.113.7', country: 'jp' });
    expect(insights.listLogins).toHaveBeenCalledWith(
      tenantId,
      expect.objectContaining({
        userHash: `h:${tenantId}:hanako@example.jp`,
        labelKey: labels.searchKey(tenantId, 'hanako@example.jp'),
        ip: '203.0.113.7',
        country: 'JP',
      }),
      51,
      undefined,
    );
  });

  it('refuses an address lookup to viewers (403) and a malformed one to anyone (400)', async () => {
    const { insights, service } = make();
    await expect(service.page({ ...p, role: 'viewer' } as AdminPrincipal, { ip: '203.0.113.7' })).rejects.toMatchObject(
      { status: 403 },
    );
    await expect(service.page(p, { ip: '1.2.3.4/24/1' })).rejects.toMatchObject({ status: 400 });
    expect(insights.listLogins).not.toHaveBeenCalled();
  });

  it('pages with one extra row: a next cursor only when there is more', async () => {
    const { insights, service } = make();
    insights.listLogins.mockResolvedValue([
      row(loginId, '203.0.113.7'),
      row('88888888-8888-4888-8888-888888888888', '203.0.113.8'),
    ]);
    const r = await service.page({ ...p, role: 'viewer' } as AdminPrincipal, { limit: 1 });
    expect(r.items).toHaveLength(1);
    expect(r.items[0]).toMatchObject({
      ip: '203.0.113.x',
      account: { id: 'acc1', userHash: 'f'.repeat(12), display: { email: 'h•••••@example.jp', label: 'V••' } },
    });
    expect(Buffer.from(String(r.nextCursor), 'base64url').toString()).toBe(`2026-01-01T00:30:00.123456Z|${loginId}`);
  });

  it('audits an export with the typed user id replaced, and writes formula-safe CSV', async () => {
    const { audit, service } = make();
    const lines = await service.exportCsv(p, { user: 'hanako@example.jp', decision: 'allow' });
    expect(audit.record).toHaveBeenCalledWith(p, 'logins.export', { type: 'assessments' }, undefined, {
      filter: { user: '(pseudonymised)', decision: 'allow' },
    });
    let csv = '';
    for await (const l of lines) csv += l;
    expect(csv.split('\n')[0]).toMatch(/^id,created_at,decision,/);
    expect(csv).toContain(`${loginId},2026-01-01T00:30:00.000Z,allow,`);
    expect(csv).toContain(`${'f'.repeat(64)},login,,hanako@example.jp,,VIP`);
    expect(csv).not.toContain(sealedLabel);
  });

  it("labels a login through the one feedback path and audits the label's before and after", async () => {
    const { feedback, audit, assessments, service } = make();
    expect(await service.label(p, loginId, 'fraud')).toEqual({ id: loginId, label: 'fraud', feedbackId: 'fb1' });
    expect(assessments.findById).toHaveBeenCalledWith(tenantId, loginId);
    expect(feedback.record).toHaveBeenCalledWith(tenantId, loginId, 'fraud', 'console');
    expect(audit.record).toHaveBeenCalledWith(
      p,
      'login.label',
      { type: 'assessment', id: loginId },
      { label: null },
      { label: 'fraud' },
    );
    assessments.findById.mockResolvedValueOnce(null);
    await expect(service.label(p, loginId, 'legit')).rejects.toMatchObject({ status: 404 });
    expect(feedback.record).toHaveBeenCalledTimes(1);
  });

  it('review queue: lists unlabelled flagged logins, assigns to the caller, keeps a note, audits both', async () => {
    const { insights, audit, service } = make();
    await service.page(p, { review: '1', assignee: 'me' });
    expect(insights.listLogins).toHaveBeenCalledWith(
      tenantId,
      expect.objectContaining({ review: true, assigneeId: 'a1' }),
      51,
      undefined,
    );
    expect(await service.review(p, loginId, { assign: 'me', note: '  called the user  ' })).toEqual({
      id: loginId,
      assigneeId: 'a1',
      note: 'called the user',
    });
    expect(insights.setReview).toHaveBeenCalledWith(tenantId, loginId, { assigneeId: 'a1', note: 'called the user' });
    expect(audit.record).toHaveBeenCalledWith(
      p,
      'login.review',
      { type: 'assessment', id: loginId },
      { assigneeId: null, note: null },
      { assigneeId: 'a1', note: 'called the user' },
    );
    await expect(service.review(p, loginId, {})).rejects.toMatchObject({ status: 400 });
    insights.setReview.mockResolvedValueOnce(null);
    await expect(service.review(p, loginId, { assign: 'none' })).rejects.toMatchObject({ status: 404 });
    await expect(service.review(p, 'not-a-uuid', { assign: 'none' })).rejects.toMatchObject({ status: 404 });
  });
});
