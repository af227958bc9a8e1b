import { Body, Controller, Get, HttpCode, Post, Put, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { AdminApi, ApiErrors } from '../../docs/api-schemas';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { KizukiConfig } from '@kizuki/config';
import { ClientIpResolver } from '../../common/client-ip';
import { ChangePasswordDto, LoginDto, PreferencesDto, TotpCodeDto } from '../admin.dto';
import {
  Admin,
  AdminGuard,
  AllowDuringPasswordChange,
  PublicRoute,
  Roles,
  SESSION_COOKIE_PLAIN,
  SESSION_COOKIE_SECURE,
} from './admin.guard';
import { AdminSessionService, SESSION_ABSOLUTE_MS, type AdminPrincipal } from './admin-session.service';
import { MeService } from './me.service';

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
    private readonly self: MeService,
    private readonly config: KizukiConfig,
  ) {
    this.ips = new ClientIpResolver(config.TRUSTED_PROXIES);
  }

  /** Behind TLS (directly, or via a trusted proxy that says so) the cookie is Secure and __Host- prefixed. */
  private secure(req: FastifyRequest): boolean {
    return (
      req.protocol === 'https' || (this.config.TRUSTED_PROXIES !== '' && req.headers['x-forwarded-proto'] === 'https')
    );
  }

  private setCookie(req: FastifyRequest, reply: FastifyReply, value: string, maxAgeSeconds: number): void {
    const secure = this.secure(req);
    const name = secure ? SESSION_COOKIE_SECURE : SESSION_COOKIE_PLAIN;
    reply.header(
      'Set-Cookie',
      `${name}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`,
    );
  }

  @Post('auth/login')
  @ApiOperation({
    summary: 'Sign in (e-mail, password, TOTP when enabled); sets the session cookie, answers the CSRF token',
  })
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
  async logout(
    @Admin() p: AdminPrincipal,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
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
    await this.self.changePassword(p, dto.currentPassword, dto.newPassword);
    return { ok: true };
  }

  @Get('me/preferences')
  @ApiOperation({ summary: 'Your console preferences (time zone)' })
  preferences(@Admin() p: AdminPrincipal) {
    return this.self.preferences(p);
  }

  @Put('me/preferences')
  @ApiOperation({ summary: 'Set your console time zone (IANA name, or null for the language default)' })
  @ApiErrors(400)
  @Roles(...ANY_ROLE)
  setPreferences(@Admin() p: AdminPrincipal, @Body() dto: PreferencesDto) {
    return this.self.setPreferences(p, dto.timeZone ?? null);
  }

  @Post('me/totp/setup')
  @ApiOperation({ summary: 'Start TOTP enrolment (secret and otpauth URL)' })
  @Roles(...ANY_ROLE)
  @HttpCode(200)
  totpSetup(@Admin() p: AdminPrincipal) {
    return this.self.totpSetup(p);
  }

  @Post('me/totp/enable')
  @ApiOperation({ summary: 'Enable TOTP with a first code' })
  @ApiErrors(400)
  @Roles(...ANY_ROLE)
  @HttpCode(200)
  async totpEnable(@Admin() p: AdminPrincipal, @Body() dto: TotpCodeDto) {
    await this.self.totpEnable(p, dto.code);
    return { totpEnabled: true };
  }

  @Post('me/totp/disable')
  @ApiOperation({ summary: 'Disable TOTP with a current code' })
  @ApiErrors(400)
  @Roles(...ANY_ROLE)
  @HttpCode(200)
  async totpDisable(@Admin() p: AdminPrincipal, @Body() dto: TotpCodeDto) {
    await this.self.totpDisable(p, dto.code);
    return { totpEnabled: false };
  }
}
