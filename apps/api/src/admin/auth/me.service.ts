import { Injectable } from '@nestjs/common';
import { KizukiConfig } from '@kizuki/config';
import { hashPassword } from '@kizuki/crypto';
import { AdminAuthRepository } from '@kizuki/database';
import { AuditLog } from '../../common/audit-log.service';
import { AdminErrors } from '../admin-errors';
import { AdminSessionService, type AdminPrincipal } from './admin-session.service';
import { generateTotpSecret, otpauthUrl, sealTotpSecret, verifyStoredTotp } from './totp';

/** What a signed-in member changes about themselves: their password and two-factor sign-in. */
@Injectable()
export class MeService {
  constructor(
    private readonly sessions: AdminSessionService,
    private readonly admins: AdminAuthRepository,
    private readonly audit: AuditLog,
    private readonly config: KizukiConfig,
  ) {}

  async changePassword(p: AdminPrincipal, currentPassword: string, newPassword: string): Promise<void> {
    if (!(await this.sessions.verifyCurrentPassword(p, currentPassword))) throw AdminErrors.invalidCredentials();
    if (currentPassword === newPassword) throw AdminErrors.invalid('Choose a password different from the current one.');
    await this.admins.setPassword(p.tenantId, p.adminId, await hashPassword(newPassword), false);
    // Other sessions (a stolen one, say) end with the old password.
    await this.admins.revokeAdminSessions(p.tenantId, p.adminId, p.sessionId);
    await this.audit.record(p, 'admin.password_change', { type: 'admin', id: p.adminId });
  }

  async preferences(p: AdminPrincipal): Promise<{ timeZone: string | null }> {
    return this.admins.preferences(p.tenantId, p.adminId);
  }

  /** The time zone the console shows dates in, an IANA name (null: the UI language's default). */
  async setPreferences(p: AdminPrincipal, timeZone: string | null): Promise<{ timeZone: string | null }> {
    if (timeZone !== null && !isTimeZone(timeZone)) throw AdminErrors.invalid(`Unknown time zone: ${timeZone}.`);
    await this.admins.setTimeZone(p.tenantId, p.adminId, timeZone);
    return { timeZone };
  }

  /** A new seed, sealed at rest and pending until a first code confirms it. */
  async totpSetup(p: AdminPrincipal): Promise<{ secret: string; otpauthUrl: string }> {
    if (p.totpEnabled) throw AdminErrors.conflict('Two-factor sign-in is already on; turn it off first.');
    const secret = generateTotpSecret();
    await this.admins.setTotpPending(p.tenantId, p.adminId, sealTotpSecret(this.config.KIZUKI_SECRET, secret));
    return { secret, otpauthUrl: otpauthUrl(secret, p.email) };
  }

  async totpEnable(p: AdminPrincipal, code: string): Promise<void> {
    const admin = await this.admins.findById(p.tenantId, p.adminId);
    const step = admin?.totpPending ? verifyStoredTotp(this.config.KIZUKI_SECRET, admin.totpPending, code) : null;
    if (!admin?.totpPending || step === null) {
      throw AdminErrors.invalid('The code does not match; check the time on your phone and try again.');
    }
    // the pending seed is already sealed: it becomes the secret as it is
    await this.admins.enableTotp(p.tenantId, p.adminId, admin.totpPending, step);
    await this.audit.record(p, 'admin.totp_enable', { type: 'admin', id: p.adminId }, { totp: false }, { totp: true });
  }

  async totpDisable(p: AdminPrincipal, code: string): Promise<void> {
    const admin = await this.admins.findById(p.tenantId, p.adminId);
    const step = admin?.totpSecret ? verifyStoredTotp(this.config.KIZUKI_SECRET, admin.totpSecret, code) : null;
    if (!admin?.totpSecret || step === null || !(await this.admins.claimTotpStep(p.tenantId, p.adminId, step))) {
      throw AdminErrors.invalid('The code does not match.');
    }
    await this.admins.disableTotp(p.tenantId, p.adminId);
    await this.audit.record(p, 'admin.totp_disable', { type: 'admin', id: p.adminId }, { totp: true }, { totp: false });
  }
}

/** Whether the runtime knows the IANA time zone (what the browser's Intl will be asked to use). */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]{0,63}$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
