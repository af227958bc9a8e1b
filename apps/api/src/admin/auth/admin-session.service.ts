import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { verify } from '@node-rs/argon2';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { KizukiConfig } from '@kizuki/config';
import { hashPassword } from '@kizuki/crypto';
import { AdminAuthRepository, type AdminAuthRow, type AdminSessionRow } from '@kizuki/database';
import { RedisConnections } from '@kizuki/queue';
import { AdminErrors } from '../admin-errors';
import { RateLimiter } from '../../common/rate-limit';
import { sourceAddress, sourceNetwork } from '../../common/ip-network';
import { withDeadline } from '../../common/deadline';
import { sealTotpSecret, verifyStoredTotp } from './totp';
import { AuditLog } from '../../common/audit-log.service';

export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 3600_000;
/** last_seen_at is written at most this often per session (idle timeout precision). */
const TOUCH_EVERY_MS = 60_000;
/**
 * Console sign-in attempts per 15-minute window, counted before the password is checked:
 * - per e-mail and source network (IPv4 /24, IPv6 /64): 5;
 * - per e-mail from networks it has not signed in from (in the last 30 days), all together: 20;
 * - per client IP (an IPv6 client's /64): 30, whatever the e-mail.
 * An attacker can exhaust the first two for a known e-mail, but not from the admin's own networks.
 */
export const LOGIN_LIMITS = {
  perEmailPerNetwork: 5,
  perEmailFromUnknownNetworks: 20,
  perIp: 30,
  windowSeconds: 15 * 60,
};
/** A sign-in can wait for Redis far longer than a risk call: counting in memory is the last resort. */
const THROTTLE_REDIS_BUDGET_MS = 2000;
/** How long, and how many, networks an e-mail signed in from are remembered. */
const KNOWN_NETWORKS = { days: 30, kept: 10 };
/** Wrong current passwords on POST /admin/api/me/password, per admin per 15 minutes. */
export const PASSWORD_CHANGE_LIMITS = { perAdmin: 5, windowSeconds: 15 * 60 };

/** The signed-in console member a request acts as: its session row, with the CSRF token it must echo. */
export type AdminPrincipal = Omit<AdminSessionRow, 'createdAt' | 'lastSeenAt'> & { csrfToken: string };

/**
 * Console sign-in and sessions. The session token lives only in the HttpOnly cookie; the database
 * keeps its SHA-256, so a leaked table cannot be replayed and a row update revokes it. The CSRF
 * token is an HMAC of the session id: stateless to check, useless without the session.
 */
@Injectable()
export class AdminSessionService implements OnModuleInit {
  private readonly logger = new Logger(AdminSessionService.name);
  private readonly csrfKey: Buffer;
  private dummyHash = '';
  private producer: RedisConnections | null = null;
  private limiter!: RateLimiter;

  constructor(
    private readonly admins: AdminAuthRepository,
    private readonly config: KizukiConfig,
    private readonly moduleRef: ModuleRef,
    private readonly audit: AuditLog,
  ) {
    this.csrfKey = createHmac('sha256', config.KIZUKI_SECRET).update('kizuki:admin-csrf:v1').digest();
  }

  async onModuleInit(): Promise<void> {
    // Unknown e-mails are verified against this, so they cost the same argon2 time as a wrong password.
    this.dummyHash = await hashPassword(randomBytes(16).toString('hex'));
    try {
      this.producer = this.moduleRef.get(RedisConnections, { strict: false });
    } catch {
      this.producer = null;
    }
    this.limiter = new RateLimiter(this.config, this.producer?.commands ?? null);
    await this.sealClearTotpSeeds().catch((e) =>
      this.logger.warn({ msg: 'could not seal TOTP seeds stored in clear; retried at the next start', err: String(e) }),
    );
  }

  /**
   * Seals TOTP seeds stored in clear before seeds were sealed (a migration has no KIZUKI_SECRET to
   * do it). Several api processes may run this at once: each column is replaced only while it
   * still holds the clear seed.
   */
  private async sealClearTotpSeeds(): Promise<void> {
    let sealed = 0;
    // bounded: a batch whose updates all lost their race is read again, never forever
    for (let batch = 0; batch < 1000; batch++) {
      const rows = await this.admins.findUnsealedTotp(500);
      for (const r of rows) {
        for (const [column, clear] of [
          ['totp_secret', r.totpSecret],
          ['totp_pending', r.totpPending],
        ] as const) {
          if (clear)
            await this.admins.sealTotpColumn(
              r.tenantId,
              r.id,
              column,
              clear,
              sealTotpSecret(this.config.KIZUKI_SECRET, clear),
            );
        }
      }
      sealed += rows.length;
      if (rows.length < 500) break;
    }
    if (sealed) this.logger.log({ msg: 'sealed TOTP seeds stored in clear', admins: sealed });
  }

  csrfFor(sessionId: string): string {
    return createHmac('sha256', this.csrfKey).update(sessionId).digest('base64url');
  }

  csrfMatches(sessionId: string, given: string | undefined): boolean {
    if (!given) return false;
    const a = Buffer.from(this.csrfFor(sessionId));
    const b = Buffer.from(given);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /**
   * Email + password (+ TOTP when enabled). Unknown e-mail and wrong password give the same error
   * after the same argon2 work. Every attempt is counted (LOGIN_LIMITS) atomically before the
   * password is checked, whether or not the account exists, so parallel guesses get no more checks
   * than sequential ones and the throttle does not reveal the account either. A successful sign-in
   * takes its attempt back and makes its network known for the e-mail.
   */
  async login(
    input: { email: string; password: string; totp?: string },
    client: { ip: string | null; userAgent: string | null },
  ): Promise<{ token: string; principal: AdminPrincipal }> {
    const email = input.email.trim().toLowerCase();
    const emailId = createHash('sha256').update(email).digest('hex').slice(0, 32);
    const network = sourceNetwork(client.ip);
    const known = await this.isKnownNetwork(emailId, network);
    const ipKey = `admin-login:ip:${sourceAddress(client.ip)}`;
    const networkKey = `admin-login:en:${emailId}:${network}`;
    const unknownKey = `admin-login:e:${emailId}`;
    const retryAfter = await this.limiter.hit(
      [
        { key: ipKey, limit: LOGIN_LIMITS.perIp },
        { key: networkKey, limit: LOGIN_LIMITS.perEmailPerNetwork },
        ...(known ? [] : [{ key: unknownKey, limit: LOGIN_LIMITS.perEmailFromUnknownNetworks }]),
      ],
      { windowSeconds: LOGIN_LIMITS.windowSeconds, whenRedisFails: 'local', redisBudgetMs: THROTTLE_REDIS_BUDGET_MS },
    );
    if (retryAfter > 0) throw AdminErrors.tooManyAttempts(retryAfter);

    const candidates = await this.admins.findByEmailForLogin(email);
    let admin: AdminAuthRow | null = null;
    if (!candidates.length) {
      await verify(this.dummyHash, input.password).catch(() => false);
    }
    for (const c of candidates) {
      if (await verify(c.passwordHash, input.password).catch(() => false)) {
        admin = c;
        break;
      }
    }
    if (!admin) throw AdminErrors.invalidCredentials();
    if (admin.totpSecret) {
      if (!input.totp) throw AdminErrors.totpRequired();
      const step = verifyStoredTotp(this.config.KIZUKI_SECRET, admin.totpSecret, input.totp.trim());
      if (step === null || !(await this.admins.claimTotpStep(admin.tenantId, admin.id, step)))
        throw AdminErrors.invalidCredentials();
    }
    await this.limiter.reset([networkKey]);
    await this.limiter.refund(known ? [ipKey] : [ipKey, unknownKey]);
    await this.rememberNetwork(emailId, network);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + SESSION_ABSOLUTE_MS);
    const { id } = await this.admins.createSession(admin.tenantId, {
      adminId: admin.id,
      tokenHash: tokenHash(token),
      expiresAt,
      ip: client.ip,
      userAgent: client.userAgent,
    });
    const actor = { tenantId: admin.tenantId, adminId: admin.id, email: admin.email };
    await this.audit.record(actor, 'session.login', { type: 'session', id }, undefined, undefined, client.ip);
    const principal = await this.authenticate(token);
    if (!principal) throw AdminErrors.unauthenticated();
    return { token, principal };
  }

  /** The session behind a cookie token, or null (unknown, revoked, idle too long, past its absolute expiry). */
  async authenticate(token: string | undefined): Promise<AdminPrincipal | null> {
    if (!token || token.length > 200) return null;
    const row: AdminSessionRow | null = await this.admins.findSessionByTokenHash(tokenHash(token), SESSION_IDLE_MS);
    if (!row) return null;
    if (Date.now() - new Date(row.lastSeenAt).getTime() > TOUCH_EVERY_MS)
      await this.admins.touchSession(row.tenantId, row.sessionId);
    return {
      sessionId: row.sessionId,
      tenantId: row.tenantId,
      tenantName: row.tenantName,
      adminId: row.adminId,
      email: row.email,
      role: row.role,
      totpEnabled: row.totpEnabled,
      mustChangePassword: row.mustChangePassword,
      csrfToken: this.csrfFor(row.sessionId),
      expiresAt: row.expiresAt,
    };
  }

  async logout(p: AdminPrincipal): Promise<void> {
    await this.admins.revokeSession(p.tenantId, p.sessionId);
    await this.audit.record(p, 'session.logout', { type: 'session', id: p.sessionId });
  }

  /**
   * Checks an admin's current password (changing it), counting the attempt first
   * (PASSWORD_CHANGE_LIMITS): a stolen session cannot guess the password at argon2 speed.
   */
  async verifyCurrentPassword(p: AdminPrincipal, password: string): Promise<boolean> {
    const key = `admin-password:${p.adminId}`;
    const retryAfter = await this.limiter.hit([{ key, limit: PASSWORD_CHANGE_LIMITS.perAdmin }], {
      windowSeconds: PASSWORD_CHANGE_LIMITS.windowSeconds,
      whenRedisFails: 'local',
      redisBudgetMs: THROTTLE_REDIS_BUDGET_MS,
    });
    if (retryAfter > 0) throw AdminErrors.tooManyAttempts(retryAfter);
    const admin = await this.admins.findById(p.tenantId, p.adminId);
    const ok = !!admin && (await verify(admin.passwordHash, password).catch(() => false));
    if (ok) await this.limiter.reset([key]);
    return ok;
  }

  // ── networks an e-mail signed in from (a sorted set per e-mail: network → last sign-in) ──

  private knownKey(emailId: string): string {
    return `${this.config.KIZUKI_REDIS_PREFIX}:admin-login:known:${emailId}`;
  }

  private async isKnownNetwork(emailId: string, network: string): Promise<boolean> {
    if (network === 'unknown' || !this.producer) return false;
    const score = await withDeadline(
      this.producer.commands.zscore(this.knownKey(emailId), network),
      THROTTLE_REDIS_BUDGET_MS,
      'known network',
    ).catch(() => null);
    return score !== null && Number(score) > Date.now() - KNOWN_NETWORKS.days * 86_400_000;
  }

  private async rememberNetwork(emailId: string, network: string): Promise<void> {
    if (network === 'unknown' || !this.producer) return;
    const key = this.knownKey(emailId);
    await this.producer.commands
      .multi()
      .zadd(key, Date.now(), network)
      .zremrangebyrank(key, 0, -(KNOWN_NETWORKS.kept + 1))
      .expire(key, KNOWN_NETWORKS.days * 86_400)
      .exec()
      .catch(() => undefined);
  }
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
