import { Injectable } from '@nestjs/common';
import { isUuid } from '@kizuki/crypto';
import { UserDataRepository } from '@kizuki/database';
import { WebhookEventsService } from '@kizuki/webhooks';
import type { AuthenticatedTenant } from '../auth/api-key.service';
import { Errors } from '../common/api-error';
import { AuditLog } from '../common/audit-log.service';
import { PseudonymService } from '../common/pseudonym.service';

const MAX_USER_ID = 256;

/**
 * A user's devices and data, addressed by the customer's own user id (pseudonymised on arrival,
 * exactly as in /v1/risk). Unknown users and other tenants' users are the same 404. Data-subject
 * requests (export, erase) go to the tenant's audit log with the API key's prefix as actor.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UserDataRepository,
    private readonly pseudonyms: PseudonymService,
    private readonly audit: AuditLog,
    private readonly webhooks: WebhookEventsService,
  ) {}

  async devices(tenant: AuthenticatedTenant, userId: string) {
    const devices = await this.users.devices(tenant.tenantId, await this.account(tenant, userId));
    return devices.map((d) => ({
      id: d.id,
      status: d.status,
      logins: d.logins,
      firstSeenAt: d.firstSeenAt,
      lastSeenAt: d.lastSeenAt,
    }));
  }

  approve(tenant: AuthenticatedTenant, userId: string, deviceId: string) {
    return this.setStatus(tenant, userId, deviceId, 'trusted');
  }

  /** Future logins from the device are denied; sends device.reported. */
  async report(tenant: AuthenticatedTenant, userId: string, deviceId: string) {
    const r = await this.setStatus(tenant, userId, deviceId, 'fraud');
    const reportedAt = new Date().toISOString();
    await this.webhooks.emit(tenant.tenantId, 'device.reported', `api|${deviceId}|${Date.now()}`, {
      deviceId,
      source: 'api',
      reportedAt,
    });
    return r;
  }

  async export(tenant: AuthenticatedTenant, userId: string) {
    const accountId = await this.account(tenant, userId);
    const data = await this.users.export(tenant.tenantId, accountId);
    await this.audit.recordApi(tenant, 'user.export', { type: 'account', id: accountId });
    return data;
  }

  async erase(tenant: AuthenticatedTenant, userId: string) {
    const accountId = await this.account(tenant, userId);
    const erased = await this.users.erase(tenant.tenantId, accountId);
    await this.audit.recordApi(tenant, 'user.erase', { type: 'account', id: accountId }, erased);
    return erased;
  }

  private async setStatus(tenant: AuthenticatedTenant, userId: string, deviceId: string, status: 'trusted' | 'fraud') {
    const accountId = await this.account(tenant, userId);
    if (!isUuid(deviceId) || !(await this.users.setDeviceStatus(tenant.tenantId, accountId, deviceId, status))) {
      throw Errors.notFound('Device');
    }
    return { id: deviceId, status };
  }

  private async account(tenant: AuthenticatedTenant, userId: string): Promise<string> {
    if (!userId || userId.length > MAX_USER_ID) throw Errors.notFound('User');
    const id = await this.users.accountId(tenant.tenantId, this.pseudonyms.user(tenant.tenantId, userId));
    if (!id) throw Errors.notFound('User');
    return id;
  }
}
