import { HttpStatus, Injectable } from '@nestjs/common';
import { KizukiConfig } from '@kizuki/config';
import { DeviceLinkRepository } from '@kizuki/database';
import type { RiskAnswer } from '@kizuki/contract';
import { WebhookEventsService } from '@kizuki/webhooks';
import { ApiError, Errors } from '../common/api-error';
import { linkId, signLink, verifyLink, type LinkAction, type LinkClaims } from './link-token';

const linkGone = () => new ApiError(HttpStatus.GONE, 'LINK_EXPIRED', 'This link has expired or was already used.');

/**
 * "Was this you?": the risk answer carries an approve and a report link when the login came from a
 * device new to the account (device.status new or pending), was scored (not degraded) and was not
 * denied. The customer e-mails them to its user. Both links of one login share a one-time id:
 * following either one uses both up.
 */
@Injectable()
export class LinksService {
  private readonly base: string;

  constructor(
    private readonly config: KizukiConfig,
    private readonly links: DeviceLinkRepository,
    private readonly webhooks: WebhookEventsService,
  ) {
    this.base = config.KIZUKI_PUBLIC_URL || `http://localhost:${config.PORT}`;
  }

  attach(tenantId: string, answer: RiskAnswer): RiskAnswer {
    if (
      answer.degraded ||
      answer.decision === 'deny' ||
      !answer.device ||
      !['new', 'pending'].includes(answer.device.status)
    )
      return answer;
    const expires = Math.floor(Date.now() / 1000) + this.config.LINK_TTL_SECONDS;
    const claims = (x: LinkAction): LinkClaims => ({ t: tenantId, a: answer.id, x, e: expires });
    const url = (x: LinkAction) => `${this.base}/links/${signLink(this.config.KIZUKI_SECRET, claims(x))}`;
    return {
      ...answer,
      links: { approve: url('approve'), report: url('report'), expiresAt: new Date(expires * 1000).toISOString() },
    };
  }

  /** What the link would do, for the confirmation page (a GET never acts: mail scanners prefetch links). */
  async inspect(token: string): Promise<LinkClaims & { deviceId: string | null }> {
    const check = verifyLink(this.config.KIZUKI_SECRET, token);
    if (check.state === 'invalid') throw Errors.notFound('Link');
    if (check.state === 'expired' || (await this.links.isUsed(check.claims.t, linkId(check.claims)))) throw linkGone();
    const target = await this.links.target(check.claims.t, check.claims.a);
    if (!target) throw Errors.notFound('Link');
    return { ...check.claims, deviceId: target.deviceId };
  }

  /**
   * Follows the link once: approve trusts the device for the account, report marks it fraud and sends device.reported.
   */
  async follow(token: string): Promise<{ action: LinkAction; deviceId: string; status: 'trusted' | 'fraud' }> {
    const check = verifyLink(this.config.KIZUKI_SECRET, token);
    if (check.state === 'invalid') throw Errors.notFound('Link');
    if (check.state === 'expired') throw linkGone();
    const c = check.claims;
    const target = await this.links.target(c.t, c.a);
    if (!target) throw Errors.notFound('Link');
    const id = linkId(c);
    const used = await this.links.use(c.t, {
      id,
      assessmentId: c.a,
      accountId: target.accountId,
      deviceId: target.deviceId,
      expiresAt: new Date(c.e * 1000),
      action: c.x,
    });
    if (!used) throw linkGone();
    if (c.x === 'report') {
      await this.webhooks.emit(c.t, 'device.reported', `link|${id}`, {
        deviceId: target.deviceId,
        assessmentId: c.a,
        source: 'link',
        reportedAt: new Date().toISOString(),
      });
    }
    return { action: c.x, deviceId: target.deviceId, status: c.x === 'approve' ? 'trusted' : 'fraud' };
  }
}
