import { Injectable } from '@nestjs/common';
import { isUuid } from '@kizuki/crypto';
import { AdminInsightsRepository } from '@kizuki/database';
import { WebhookEventsService } from '@kizuki/webhooks';
import { Errors } from '../../common/api-error';
import { AuditLog } from '../../common/audit-log.service';
import { DisplayLabels } from '../../common/display-labels.service';
import { PseudonymService } from '../../common/pseudonym.service';
import type { AdminPrincipal } from '../auth/admin-session.service';
import { maskIp } from '../ip-mask';
import { typingStateSummary } from '../typing-view';

type DeviceStatus = 'trusted' | 'new' | 'pending' | 'shared' | 'fraud';

/** An account as the analyst sees it (profile state, devices, networks), and what they may do to it. */
@Injectable()
export class AccountsService {
  constructor(
    private readonly insights: AdminInsightsRepository,
    private readonly pseudonyms: PseudonymService,
    private readonly audit: AuditLog,
    private readonly webhooks: WebhookEventsService,
    private readonly labels: DisplayLabels,
  ) {}

  /** The account of a raw user id (pseudonymised here, never stored or logged in clear) or display label value. */
  async lookup(p: AdminPrincipal, user: string): Promise<{ id: string }> {
    const id = await this.insights.accountIdByHash(
      p.tenantId,
      this.pseudonyms.user(p.tenantId, user),
      this.labels.searchKey(p.tenantId, user),
    );
    if (!id) throw Errors.notFound('Account');
    return { id };
  }

  async account(p: AdminPrincipal, id: string) {
    const a = isUuid(id) ? await this.insights.account(p.tenantId, id) : null;
    if (!a) throw Errors.notFound('Account');
    const { typingProfile, displayLabel, ...rest } = a;
    return {
      ...rest,
      display: this.labels.view(p.tenantId, displayLabel as string | null, p.role),
      userHash: String(a.userHash).slice(0, 12),
      // the account's usual networks (/24, /48), truncated for viewers like every IP
      networks: ((a.networks ?? []) as string[]).map((n) => maskIp(n, p.role)),
      typing: typingStateSummary(typingProfile),
      devices: (a.devices as Record<string, unknown>[]).map((d) => ({
        id: d.id,
        visitorId: d.visitorId,
        components: d.components,
        logins: d.logins,
        firstSeenAt: d.firstSeenAt,
        lastSeenAt: d.lastSeenAt,
        otherAccounts: d.otherAccounts,
        status: deviceStatus(String(d.linkStatus), String(d.deviceStatus), Number(d.otherAccounts)),
      })),
    };
  }

  /** approve trusts the device for the account; report marks it fraud and sends device.reported. */
  async deviceVerdict(p: AdminPrincipal, id: string, deviceId: string, verdict: string) {
    if (verdict !== 'approve' && verdict !== 'report') throw Errors.notFound('Action');
    const r =
      isUuid(id) && isUuid(deviceId) ? await this.insights.setDeviceVerdict(p.tenantId, id, deviceId, verdict) : null;
    if (!r) throw Errors.notFound('Device');
    const after = verdict === 'approve' ? 'trusted' : 'fraud';
    const target = { type: 'device', id: deviceId };
    await this.audit.record(
      p,
      `device.${verdict}`,
      target,
      { account: id, status: r.before },
      { account: id, status: after },
    );
    if (verdict === 'report') {
      const reportedAt = new Date().toISOString();
      await this.webhooks.emit(p.tenantId, 'device.reported', `console|${deviceId}|${Date.now()}`, {
        deviceId,
        source: 'console',
        reportedAt,
      });
    }
    return { deviceId, status: after };
  }

  async resetProfile(p: AdminPrincipal, id: string) {
    const r = isUuid(id) ? await this.insights.resetProfile(p.tenantId, id) : null;
    if (!r) throw Errors.notFound('Account');
    await this.audit.record(p, 'account.reset_profile', { type: 'account', id }, r, {
      hadTyping: false,
      hadPointer: false,
    });
    return { id, typing: 'none' };
  }
}

/** What the analyst sees: fraud wins, then shared (used by other accounts), then the account's own status. */
export function deviceStatus(link: string, device: string, otherAccounts: number): DeviceStatus {
  if (link === 'fraud' || device === 'fraud') return 'fraud';
  if (otherAccounts > 0 && link !== 'trusted') return 'shared';
  return (['trusted', 'new', 'pending'].includes(link) ? link : 'new') as DeviceStatus;
}
