import { Body, Controller, Get, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { AdminApi, ApiErrors } from '../../docs/api-schemas';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { KizukiConfig } from '@kizuki/config';
import { AdminAuthRepository } from '@kizuki/database';
import { ClientIpResolver } from '../../common/client-ip';
import { AuditLog } from '../../common/audit-log.service';
import { AdminErrors } from '../admin-errors';
import { ChangePasswordDto, LoginDto, TotpCodeDto } from '../admin.dto';
import { Admin, AdminGuard, AllowDuringPasswordChange, PublicRoute, Roles, SESSION_COOKIE_PLAIN, SESSION_COOKIE_SECURE } from './admin.guard';
import { hashPassword } from '@kizuki/crypto';
import { AdminSessionService, SESSION_ABSOLUTE_MS, type AdminPrincipal } from './admin-session.service';
import { generateTotpSecret, otpauthUrl, sealTotpSecret, verifyStoredTotp } from './totp';

const ANY_ROLE = ['admin', 'analyst', 'viewer'] as const;

export function me(p: AdminPrincipal) {
  return {
    email: p.email,
    role: p.role,
    tenant: { id: p.tenantId, name: p.tenantName },
    totpEnabled: p.totpEnabled,
    mustChangePassword: p.mustChangePassword,
    csrfToken: p.csrfToken,
    expiresAt: p.expiresAt,
  };
}

@AdminApi()
@Controller('admin/api')
@UseGuards(AdminGuard)
export class AdminAuthController {
  private readonly ips: ClientIpResolver;

  constructor(
    private readonly sessions: AdminSessionService,
    private readonly admins: AdminAuthRepository,
    private readonly audit: AuditLog,
    private readonly config: KizukiConfig,
  ) {
    this.ips = new ClientIpResolver(config.TRUSTED_PROXIES);
  }

  /** Behind TLS (directly, or via a trusted proxy that says so) the cookie is Secure and __Host- prefixed. */
  private secure(req: FastifyRequest): boolean {
    return req.protocol === 'https' || (this.config.TRUSTED_PROXIES !== '' && req.headers['x-forwarded-proto'] === 'https');
  }

  private setCookie(req: FastifyRequest, reply: FastifyReply, value: string, maxAgeSeconds: number): void {
    const secure = this.secure(req);
    const name = secure ? SESSION_COOKIE_SECURE : SESSION_COOKIE_PLAIN;
    reply.header('Set-Cookie', `${name}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`);
  }

  @Post('auth/login')
  @ApiOperation({ summary: 'Sign in (e-mail, password, TOTP when enabled); sets the session cookie, answers the CSRF token' })
  @ApiErrors(400, 429)
  @PublicRoute()
  @HttpCode(200)
  async login(@Body() dto: LoginDto, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const ip = this.ips.resolve(req.socket.remoteAddress, req.headers['x-forwarded-for']);
    const ua = req.headers['user-agent'] ?? null;
    const { token, principal } = await this.sessions.login(dto, { ip, userAgent: ua });
    this.setCookie(req, reply, token, Math.floor(SESSION_ABSOLUTE_MS / 1000));
    reply.header('Cache-Control', 'no-store');
    return me(principal);
  }

  @Post('auth/logout')
  @ApiOperation({ summary: 'Sign out (ends the session)' })
  @Roles(...ANY_ROLE)
  @AllowDuringPasswordChange()
  @HttpCode(200)
  async logout(@Admin() p: AdminPrincipal, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.sessions.logout(p);
    this.setCookie(req, reply, '', 0);
    return { ok: true };
  }

  @Get('auth/session')
  @ApiOperation({ summary: 'The signed-in admin, tenant and CSRF token' })
  @AllowDuringPasswordChange()
  session(@Admin() p: AdminPrincipal, @Res({ passthrough: true }) reply: FastifyReply) {
    reply.header('Cache-Control', 'no-store');
    return me(p);
  }

  @Post('me/password')
  @ApiOperation({ summary: 'Change your password (wrong current passwords are throttled: 429)' })
  @ApiErrors(400, 429)
  @Roles(...ANY_ROLE)
  @AllowDuringPasswordChange()
  @HttpCode(200)
  async changePassword(@Admin() p: AdminPrincipal, @Body() dto: ChangePasswordDto) {
    if (!(await this.sessions.verifyCurrentPassword(p, dto.currentPassword))) throw AdminErrors.invalidCredentials();
    if (dto.currentPassword === dto.newPassword) throw AdminErrors.invalid('Choose a password different from the current one.');
    await this.admins.setPassword(p.tenantId, p.adminId, await hashPassword(dto.newPassword), false);
    // Other sessions (a stolen one, say) end with the old password.
    await this.admins.revokeAdminSessions(p.tenantId, p.adminId, p.sessionId);
    await this.audit.record(p, 'admin.password_change', { type: 'admin', id: p.adminId });
    return { ok: true };
  }

  @Post('me/totp/setup')
  @ApiOperation({ summary: 'Start TOTP enrolment (secret and otpauth URL)' })
  @Roles(...ANY_ROLE)
  @HttpCode(200)
  async totpSetup(@Admin() p: AdminPrincipal) {
    if (p.totpEnabled) throw AdminErrors.conflict('Two-factor sign-in is already on; turn it off first.');
    const secret = generateTotpSecret();
    await this.admins.setTotpPending(p.tenantId, p.adminId, sealTotpSecret(this.config.KIZUKI_SECRET, secret));
    return { secret, otpauthUrl: otpauthUrl(secret, p.email) };
  }

  @Post('me/totp/enable')
  @ApiOperation({ summary: 'Enable TOTP with a first code' })
  @ApiErrors(400)
  @Roles(...ANY_ROLE)
  @HttpCode(200)
  async totpEnable(@Admin() p: AdminPrincipal, @Body() dto: TotpCodeDto) {
    const admin = await this.admins.findById(p.tenantId, p.adminId);
    const step = admin?.totpPending ? verifyStoredTotp(this.config.KIZUKI_SECRET, admin.totpPending, dto.code) : null;
    if (!admin?.totpPending || step === null) throw AdminErrors.invalid('The code does not match; check the time on your phone and try again.');
    // the pending seed is already sealed: it becomes the secret as it is
    await this.admins.enableTotp(p.tenantId, p.adminId, admin.totpPending, step);
    await this.audit.record(p, 'admin.totp_enable', { type: 'admin', id: p.adminId }, { totp: false }, { totp: true });
    return { totpEnabled: true };
  }

  @Post('me/totp/disable')
  @ApiOperation({ summary: 'Disable TOTP with a current code' })
  @ApiErrors(400)
  @Roles(...ANY_ROLE)
  @HttpCode(200)
  async totpDisable(@Admin() p: AdminPrincipal, @Body() dto: TotpCodeDto) {
    const admin = await this.admins.findById(p.tenantId, p.adminId);
    const step = admin?.totpSecret ? verifyStoredTotp(this.config.KIZUKI_SECRET, admin.totpSecret, dto.code) : null;
    if (!admin?.totpSecret || step === null || !(await this.admins.claimTotpStep(p.tenantId, p.adminId, step))) {
      throw AdminErrors.invalid('The code does not match.');
    }
    await this.admins.disableTotp(p.tenantId, p.adminId);
    await this.audit.record(p, 'admin.totp_disable', { type: 'admin', id: p.adminId }, { totp: true }, { totp: false });
    return { totpEnabled: false };
  }
}
