import { createParamDecorator, Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import type { AdminRole } from '@kizuki/database';
import { AdminErrors } from '../admin-errors';
import { AdminSessionService, type AdminPrincipal } from './admin-session.service';

export const SESSION_COOKIE_SECURE = '__Host-kizuki_session';
export const SESSION_COOKIE_PLAIN = 'kizuki_session';

const ROLES_KEY = 'kizuki:admin-roles';
const PUBLIC_KEY = 'kizuki:admin-public';
const PASSWORD_CHANGE_KEY = 'kizuki:admin-password-change-ok';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Who may call the handler. Without it: GET for every role, any other method for admins only. */
export const Roles = (...roles: AdminRole[]) => SetMetadata(ROLES_KEY, roles);
/** No session needed (login). */
export const PublicRoute = () => SetMetadata(PUBLIC_KEY, true);
/** Reachable while the admin still has to replace a one-time password. */
export const AllowDuringPasswordChange = () => SetMetadata(PASSWORD_CHANGE_KEY, true);

export type AdminRequest = FastifyRequest & { admin?: AdminPrincipal };

export function readCookie(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return undefined;
}

export function sessionToken(req: FastifyRequest): string | undefined {
  return readCookie(req, SESSION_COOKIE_SECURE) ?? readCookie(req, SESSION_COOKIE_PLAIN);
}

/**
 * Every /admin/api route: a live session (cookie), the CSRF header on every mutating method, and
 * the route's roles — all checked on the server. The session carries the tenant; handlers scope
 * every query with it.
 */
@Injectable()
export class AdminGuard implements CanActivate {
  constructor(
    private readonly sessions: AdminSessionService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const req = ctx.switchToHttp().getRequest<AdminRequest>();
    const principal = await this.sessions.authenticate(sessionToken(req));
    if (!principal) throw AdminErrors.unauthenticated();
    if (!SAFE_METHODS.has(req.method)) {
      const header = req.headers['x-csrf-token'];
      if (!this.sessions.csrfMatches(principal.sessionId, Array.isArray(header) ? header[0] : header))
        throw AdminErrors.csrf();
    }
    if (principal.mustChangePassword && !this.reflector.getAllAndOverride<boolean>(PASSWORD_CHANGE_KEY, targets)) {
      throw AdminErrors.passwordChangeRequired();
    }
    const roles = this.reflector.getAllAndOverride<AdminRole[] | undefined>(ROLES_KEY, targets);
    const allowed = roles ?? (SAFE_METHODS.has(req.method) ? ['admin', 'analyst', 'viewer'] : ['admin']);
    if (!allowed.includes(principal.role)) throw AdminErrors.forbidden();
    req.admin = principal;
    return true;
  }
}

/** The signed-in admin (set by AdminGuard). */
export const Admin = createParamDecorator((_: unknown, ctx: ExecutionContext): AdminPrincipal => {
  const admin = ctx.switchToHttp().getRequest<AdminRequest>().admin;
  if (!admin) throw AdminErrors.unauthenticated();
  return admin;
});
