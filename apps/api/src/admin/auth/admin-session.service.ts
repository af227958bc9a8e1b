import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { verify } from '@node-rs/argon2';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { KizukiConfig } from '@kizuki/config';
import { hashPassword } from '@kizuki/crypto';
import { AdminAuthRepository, type AdminAuthRow, type AdminRole, type AdminSessionRow } from '@kizuki/database';
import { ProducerService } from '../../queue/producer.service';
import { AdminErrors } from '../admin-errors';
import { verifyTotp } from './totp';

export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 3600_000;
/** last_seen_at is written at most this often per session (idle timeout precision). */
const TOUCH_EVERY_MS = 60_000;
export const LOGIN_LIMITS = { perEmail: 5, perIp: 30, windowSeconds: 15 * 60 };


export interface AdminPrincipal {
  sessionId: string;
  tenantId: string;
  tenantName: string;
  adminId: string;
  email: string;
  role: AdminRole;
  totpEnabled: boolean;
  mustChangePassword: boolean;
  csrfToken: string;
  expiresAt: Date;
}


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
  private producer: ProducerService | null = null;
  /** used only while Redis is unreachable */
  private readonly localCounters = new Map<string, { n: number; until: number }>();

  constructor(
    private readonly admins: AdminAuthRepository,
    private readonly config: KizukiConfig,
    private readonly moduleRef: ModuleRef,
  ) {
    this.csrfKey = createHmac('sha256', config.KIZUKI_SECRET).update('kizuki:admin-csrf:v1').digest();
  }

  async onModuleInit(): Promise<void> {
    // Unknown e-mails are verified against this, so they cost the same argon2 time as a wrong password.
    this.dummyHash = await hashPassword(randomBytes(16).toString('hex'));
    try {
      this.producer = this.moduleRef.get(ProducerService, { strict: false });
    } catch {
      this.producer = null;
    }
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
   * after the same argon2 work; failures are counted per e-mail and per client IP whether or not
   * the account exists, so the throttle does not reveal it either.
   */
  async login(input: { email: string; password: string; totp?: string }, client: { ip: string | null; userAgent: string | null }): Promise<{ token: string; principal: AdminPrincipal }> {
    const email = input.email.trim().toLowerCase();
    const emailKey = `admin-login:e:${createHash('sha256').update(email).digest('hex').slice(0, 32)}`;
    const ipKey = `admin-login:ip:${client.ip ?? 'unknown'}`;
    const retryAfter = await this.blockedFor([
      [emailKey, LOGIN_LIMITS.perEmail],
      [ipKey, LOGIN_LIMITS.perIp],
    ]);
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
    if (!admin) {
      await this.fail([emailKey, ipKey]);
      throw AdminErrors.invalidCredentials();
    }
    if (admin.totpSecret) {
      if (!input.totp) throw AdminErrors.totpRequired();
      const step = verifyTotp(admin.totpSecret, input.totp.trim());
      if (step === null || !(await this.admins.claimTotpStep(admin.tenantId, admin.id, step))) {
        await this.fail([emailKey, ipKey]);
        throw AdminErrors.invalidCredentials();
      }
    }
    await this.clear(emailKey);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + SESSION_ABSOLUTE_MS);
    const { id } = await this.admins.createSession(admin.tenantId, {
      adminId: admin.id,
      tokenHash: tokenHash(token),
      expiresAt,
      ip: client.ip,
      userAgent: client.userAgent,
    });
    await this.admins.audit(admin.tenantId, { adminId: admin.id, actor: admin.email, action: 'session.login', targetType: 'session', targetId: id, ip: client.ip });
    const principal = await this.authenticate(token);
    if (!principal) throw AdminErrors.unauthenticated();
    return { token, principal };
  }

  /** The session behind a cookie token, or null (unknown, revoked, idle too long, past its absolute expiry). */
  async authenticate(token: string | undefined): Promise<AdminPrincipal | null> {
    if (!token || token.length > 200) return null;
    const row: AdminSessionRow | null = await this.admins.findSessionByTokenHash(tokenHash(token), SESSION_IDLE_MS);
    if (!row) return null;
    if (Date.now() - new Date(row.lastSeenAt).getTime() > TOUCH_EVERY_MS) await this.admins.touchSession(row.tenantId, row.sessionId);
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
    await this.admins.audit(p.tenantId, { adminId: p.adminId, actor: p.email, action: 'session.logout', targetType: 'session', targetId: p.sessionId });
  }

  // ── throttle: fixed windows in Redis (shared by every api instance), in memory if Redis is down ──

  private key(k: string): string {
    return `${this.config.KIZUKI_REDIS_PREFIX}:${k}`;
  }

  private async blockedFor(limits: [string, number][]): Promise<number> {
    let wait = 0;
    for (const [k, max] of limits) {
      try {
        if (!this.producer) throw new Error('no redis');
        const [[, n], [, ttl]] = (await this.producer.redis.multi().get(this.key(k)).ttl(this.key(k)).exec()) as [[unknown, string | null], [unknown, number]];
        if (Number(n ?? 0) >= max) wait = Math.max(wait, ttl > 0 ? ttl : LOGIN_LIMITS.windowSeconds);
      } catch {
        const c = this.localCounters.get(k);
        if (c && c.until > Date.now() && c.n >= max) wait = Math.max(wait, Math.ceil((c.until - Date.now()) / 1000));
      }
    }
    return wait;
  }

  private async fail(keys: string[]): Promise<void> {
    for (const k of keys) {
      try {
        if (!this.producer) throw new Error('no redis');
        await this.producer.redis.multi().set(this.key(k), '0', 'EX', LOGIN_LIMITS.windowSeconds, 'NX').incr(this.key(k)).exec();
      } catch {
        const c = this.localCounters.get(k);
        if (c && c.until > Date.now()) c.n++;
        else this.localCounters.set(k, { n: 1, until: Date.now() + LOGIN_LIMITS.windowSeconds * 1000 });
        if (this.localCounters.size > 10_000) this.localCounters.delete(this.localCounters.keys().next().value as string);
      }
    }
  }

  private async clear(k: string): Promise<void> {
    this.localCounters.delete(k);
    await this.producer?.redis.del(this.key(k)).catch(() => undefined);
  }
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
