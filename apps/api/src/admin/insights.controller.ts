import { Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { AdminApi, ApiErrors } from '../docs/api-schemas';
import { IsString, Length } from 'class-validator';
import { KizukiConfig } from '@kizuki/config';
import { pseudonymiseUser } from '@kizuki/crypto';
import { AdminInsightsRepository } from '@kizuki/database';
import { WebhookEventsService } from '@kizuki/webhooks';
import { Errors } from '../common/api-error';
import { AdminAuditService } from './admin-audit.service';
import { RangeQueryDto } from './admin.dto';
import { Admin, AdminGuard, Roles } from './auth/admin.guard';
import type { AdminPrincipal } from './auth/admin-session.service';
import { isUuid } from '@kizuki/crypto';
import { maskIp } from './ip-mask';
import { typingStateSummary } from './typing-view';

const RANGE_MS = { '24h': 24 * 3600_000, '7d': 7 * 24 * 3600_000, '30d': 30 * 24 * 3600_000 } as const;

export function rangeOf(range: keyof typeof RANGE_MS = '24h'): { from: Date; to: Date } {
  const to = new Date();
  return { from: new Date(to.getTime() - RANGE_MS[range]), to };
}

class AccountLookupDto {
  @IsString() @Length(1, 512) user!: string;
}

type DeviceStatus = 'trusted' | 'new' | 'pending' | 'shared' | 'fraud';

@AdminApi()
@Controller('admin/api')
@UseGuards(AdminGuard)
export class InsightsController {
  constructor(
    private readonly insights: AdminInsightsRepository,
    private readonly audit: AdminAuditService,
    private readonly config: KizukiConfig,
    private readonly webhooks: WebhookEventsService,
  ) {}

  @Get('dashboard')
  @ApiOperation({ summary: 'Dashboard: decisions over time, top reasons, countries' })
  @ApiErrors(400)
  async dashboard(@Admin() p: AdminPrincipal, @Query() q: RangeQueryDto) {
    const range = q.range ?? '24h';
    const { from, to } = rangeOf(range);
    const d = await this.insights.dashboard(p.tenantId, from, to, range === '24h' ? 'hour' : 'day');
    const ips = (d.ips as { key: string }[]).map((r) => ({ ...r, key: maskIp(r.key, p.role) }));
    return { range, from, to, bucket: range === '24h' ? 'hour' : 'day', ...d, ips };
  }

  @Get('ips')
  @ApiOperation({ summary: 'IP summary: checks, users and failures per IP' })
  @ApiErrors(400)
  async ips(@Admin() p: AdminPrincipal, @Query() q: RangeQueryDto) {
    const { from, to } = rangeOf(q.range ?? '24h');
    const rows = (await this.insights.ipSummary(p.tenantId, from, to, q.sort ?? 'checks', 500)) as { ip: string }[];
    return { from, to, items: rows.map((r) => ({ ...r, ip: maskIp(r.ip, p.role) })) };
  }

  /** The account of a raw user id (pseudonymised here, never stored or logged in clear). */
  @Get('accounts/lookup')
  @ApiOperation({ summary: "Find an account by the customer's user id" })
  @ApiErrors(400, 404)
  async lookup(@Admin() p: AdminPrincipal, @Query() q: AccountLookupDto) {
    const id = await this.insights.accountIdByHash(p.tenantId, pseudonymiseUser(this.config.KIZUKI_SECRET, p.tenantId, q.user));
    if (!id) throw Errors.notFound('Account');
    return { id };
  }

  @Get('accounts/:id')
  @ApiOperation({ summary: 'An account: profile state, devices, recent logins' })
  @ApiErrors(404)
  async account(@Admin() p: AdminPrincipal, @Param('id') id: string) {
    const a = isUuid(id) ? await this.insights.account(p.tenantId, id) : null;
    if (!a) throw Errors.notFound('Account');
    const { typingProfile, ...rest } = a;
    return {
      ...rest,
      userHash: String(a.userHash).slice(0, 12),
      // the account's usual networks (/24, /48), truncated for viewers like every IP
      networks: ((a.networks ?? []) as string[]).map((n) => maskIp(n, p.role)),
      typing: typingStateSummary(typingProfile),
      devices: (a.devices as Record<string, any>[]).map((d) => ({
        id: d.id,
        visitorId: d.visitorId,
        components: d.components,
        logins: d.logins,
        firstSeenAt: d.firstSeenAt,
        lastSeenAt: d.lastSeenAt,
        otherAccounts: d.otherAccounts,
        status: deviceStatus(d.linkStatus, d.deviceStatus, d.otherAccounts),
      })),
    };
  }

  @Post('accounts/:id/devices/:deviceId/:verdict')
  @ApiOperation({ summary: "Trust or report one of the account's devices" })
  @ApiErrors(404)
  @Roles('admin', 'analyst')
  @HttpCode(200)
  async deviceVerdict(@Admin() p: AdminPrincipal, @Param('id') id: string, @Param('deviceId') deviceId: string, @Param('verdict') verdict: string) {
    if (verdict !== 'approve' && verdict !== 'report') throw Errors.notFound('Action');
    const r = isUuid(id) && isUuid(deviceId) ? await this.insights.setDeviceVerdict(p.tenantId, id, deviceId, verdict) : null;
    if (!r) throw Errors.notFound('Device');
    const after = verdict === 'approve' ? 'trusted' : 'fraud';
    await this.audit.record(p, `device.${verdict}`, { type: 'device', id: deviceId }, { account: id, status: r.before }, { account: id, status: after });
    if (verdict === 'report') {
      await this.webhooks.emit(p.tenantId, 'device.reported', `console|${deviceId}|${Date.now()}`, { deviceId, source: 'console', reportedAt: new Date().toISOString() });
    }
    return { deviceId, status: after };
  }

  @Post('accounts/:id/reset-profile')
  @ApiOperation({ summary: "Reset the account's typing and pointer profile" })
  @ApiErrors(404)
  @Roles('admin', 'analyst')
  @HttpCode(200)
  async resetProfile(@Admin() p: AdminPrincipal, @Param('id') id: string) {
    const r = isUuid(id) ? await this.insights.resetProfile(p.tenantId, id) : null;
    if (!r) throw Errors.notFound('Account');
    await this.audit.record(p, 'account.reset_profile', { type: 'account', id }, r, { hadTyping: false, hadPointer: false });
    return { id, typing: 'none' };
  }
}

/** What the analyst sees: fraud wins, then shared (used by other accounts), then the account's own status. */
export function deviceStatus(link: string, device: string, otherAccounts: number): DeviceStatus {
  if (link === 'fraud' || device === 'fraud') return 'fraud';
  if (otherAccounts > 0 && link !== 'trusted') return 'shared';
  return (['trusted', 'new', 'pending'].includes(link) ? link : 'new') as DeviceStatus;
}
