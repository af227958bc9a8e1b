import { createParamDecorator, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiKeyService, type AuthenticatedTenant } from './api-key.service';

type RequestWithTenant = FastifyRequest & { tenant?: AuthenticatedTenant };

/** Secret key (server-to-server): `Authorization: Bearer sk_live_…`. */
@Injectable()
export class SecretKeyGuard implements CanActivate {
  constructor(private readonly keys: ApiKeyService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<RequestWithTenant>();
    const auth = req.headers.authorization;
    const key = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
    req.tenant = await this.keys.authenticate(key, 'secret');
    return true;
  }
}

/** Publishable key (browsers): `X-Kizuki-Key: pk_live_…`, only from the tenant's origins. */
@Injectable()
export class PublishableKeyGuard implements CanActivate {
  constructor(private readonly keys: ApiKeyService) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<RequestWithTenant>();
    const header = req.headers['x-kizuki-key'];
    req.tenant = await this.keys.authenticate(Array.isArray(header) ? header[0] : header, 'publishable');
    return true;
  }
}

/** The tenant the guard authenticated. */
export const Tenant = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthenticatedTenant => {
  const tenant = ctx.switchToHttp().getRequest<RequestWithTenant>().tenant;
  if (!tenant) throw new Error('Tenant used on a route without an API key guard');
  return tenant;
});
