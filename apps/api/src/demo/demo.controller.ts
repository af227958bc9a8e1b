import { Body, Controller, Get, Header, HttpCode, Logger, Post, Req, Res } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { KizukiConfig } from '@kizuki/config';
import { Errors } from '../common/api-error';
import { ClientIpResolver } from '../common/client-ip';
import { DEMO_CSS, DEMO_JS, DEMO_PASSWORD, loginPage, registerPage, resultPage } from './demo-page';

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

interface DemoKeys {
  tenantId: string;
  publishableKey: string;
  secretKey: string;
}

/**
 * The risk answer as the demo shows it: without its "was this you?" links. Anyone who can reach
 * the demo picks the user name, so a link shown here would let them trust their own device for any
 * demo user (a real backend e-mails the links to the account's owner; the demo has no owner to ask).
 */
function withoutLinks(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || !('links' in body)) return body;
  const { links: _links, ...rest } = body as Record<string, unknown>;
  return rest;
}

/**
 * /demo: a login page with the SDK, and a backend route that does what a customer's backend does:
 * check the password, call POST /v1/risk with the request token, act on the decision.
 */
@ApiExcludeController()
@Controller('demo')
export class DemoController {
  private readonly logger = new Logger(DemoController.name);
  private readonly ips: ClientIpResolver;
  private keys: DemoKeys | null | undefined;

  constructor(private readonly config: KizukiConfig) {
    this.ips = new ClientIpResolver(config.TRUSTED_PROXIES);
  }

  private demoKeys(): DemoKeys {
    if (this.keys === undefined) {
      try {
        this.keys = this.config.KIZUKI_DEMO_FILE
          ? (JSON.parse(readFileSync(this.config.KIZUKI_DEMO_FILE, 'utf8')) as DemoKeys)
          : null;
      } catch (e) {
        this.logger.warn({ msg: 'demo keys unreadable', err: String(e) });
        this.keys = null;
      }
    }
    if (!this.keys) throw Errors.notFound('Demo (start Kizuki with npm start, or set KIZUKI_DEMO_FILE)');
    return this.keys;
  }

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', CSP)
  page(): string {
    return loginPage(this.demoKeys().publishableKey);
  }

  @Get('register')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', CSP)
  registerForm(): string {
    return registerPage(this.demoKeys().publishableKey);
  }

  @Get('demo.js')
  @Header('Content-Type', 'application/javascript; charset=utf-8')
  script(): string {
    return DEMO_JS;
  }

  @Get('demo.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  style(): string {
    return DEMO_CSS;
  }

  @Post('login')
  @HttpCode(200)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', CSP)
  async login(
    @Body() form: Record<string, unknown>,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const keys = this.demoKeys();
    const user = String(form?.username ?? '').slice(0, 200);
    const passwordOk = String(form?.password ?? '') === DEMO_PASSWORD;
    const token = String(form?.kizuki_request_token ?? '');
    const request = {
      ...(token ? { requestToken: token } : {}),
      event: 'login',
      status: passwordOk ? 'succeeded' : 'failed',
      user: { id: user || 'anonymous' },
      context: {
        ip: this.ips.resolve(req.socket.remoteAddress, req.headers['x-forwarded-for']) ?? '127.0.0.1',
        userAgent: String(req.headers['user-agent'] ?? '').slice(0, 1024),
        acceptLanguage: String(req.headers['accept-language'] ?? '').slice(0, 256) || undefined,
      },
    };
    const res = await this.risk(req, keys, request);
    reply.status(passwordOk ? 200 : 401);
    return resultPage({
      user,
      passwordOk,
      risk: res,
      request: { ...request, requestToken: token ? `${token.slice(0, 12)}…` : undefined },
    });
  }

  /** A sign-up: what a customer's backend does before creating the account. */
  @Post('register')
  @HttpCode(200)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', CSP)
  async register(@Body() form: Record<string, unknown>, @Req() req: FastifyRequest): Promise<string> {
    const keys = this.demoKeys();
    const email = String(form?.email ?? '').slice(0, 200);
    const token = String(form?.kizuki_request_token ?? '');
    const passwordOk = String(form?.password ?? '').length >= 8;
    // only the domain goes to Kizuki (DISPOSABLE_EMAIL); the address stays with the shop
    const domain = email.includes('@') ? email.slice(email.lastIndexOf('@') + 1).toLowerCase() : '';
    const request = {
      ...(token ? { requestToken: token } : {}),
      event: 'registration',
      status: passwordOk ? 'succeeded' : 'failed',
      user: { id: email || 'anonymous', ...(/^[a-z0-9.-]+\.[a-z]{2,}$/.test(domain) ? { emailDomain: domain } : {}) },
      context: {
        ip: this.ips.resolve(req.socket.remoteAddress, req.headers['x-forwarded-for']) ?? '127.0.0.1',
        userAgent: String(req.headers['user-agent'] ?? '').slice(0, 1024),
        acceptLanguage: String(req.headers['accept-language'] ?? '').slice(0, 256) || undefined,
      },
    };
    const res = await this.risk(req, keys, request);
    return resultPage({
      event: 'registration',
      user: email,
      passwordOk,
      risk: res,
      request: { ...request, requestToken: token ? `${token.slice(0, 12)}…` : undefined },
    });
  }

  private risk(req: FastifyRequest, keys: DemoKeys, request: unknown): Promise<{ status: number; body: unknown }> {
    return fetch(`http://127.0.0.1:${req.socket.localPort}/v1/risk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(3000),
    }).then(
      async (r) => ({ status: r.status, body: withoutLinks(await r.json()) }),
      (e: unknown) => ({ status: 0, body: { error: String(e) } }),
    );
  }
}
