import { Body, Controller, Get, Header, HttpCode, Logger, Post, Req, Res } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { KizukiConfig } from '@kizuki/config';
import { TenantRepository } from '@kizuki/database';
import { resolvePolicy } from '@kizuki/scoring';
import { Errors } from '../common/api-error';
import { ClientIpResolver } from '../common/client-ip';
import { pageLanguage, type PageLanguage } from '../common/page-language';
import {
  challengePage,
  DEMO_CSS,
  DEMO_JS,
  DEMO_NETWORKS,
  DEMO_PASSWORD,
  loginPage,
  registerPage,
  resultPage,
  type DemoNetwork,
} from './demo-page';

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

  constructor(
    private readonly config: KizukiConfig,
    private readonly tenants: TenantRepository,
    private readonly db: DataSource,
  ) {
    this.ips = new ClientIpResolver(config.TRUSTED_PROXIES);
  }

  /**
   * The demo's "second factor": a 6-digit code derived from the assessment (nothing stored), shown
   * on the page because the demo has no inbox to send it to.
   */
  private oneTimeCode(assessmentId: string): string {
    const mac = createHmac('sha256', this.config.KIZUKI_SECRET).update(`demo-otp|${assessmentId}`).digest();
    return String(mac.readUInt32BE(0) % 1_000_000).padStart(6, '0');
  }

  /** The demo tenant's login thresholds, to place the score on its scale. */
  private async thresholds(tenantId: string): Promise<{ challenge: number; deny: number } | null> {
    const t = await this.tenants.findById(tenantId).catch(() => null);
    return t ? resolvePolicy(t.policy).thresholds : null;
  }

  private async v1(port: number | undefined, path: string, secretKey: string, body: unknown) {
    return fetch(`http://127.0.0.1:${port}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(3000),
    }).then(
      async (r) => ({ status: r.status, body: withoutLinks(await r.json()) }),
      (e: unknown) => ({ status: 0, body: { error: String(e) } }),
    );
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

  /**
   * The page's language: a form's hidden `lang` field (the language its page was shown in), else
   * ?lang=, else Accept-Language.
   */
  private lang(req: FastifyRequest, form?: Record<string, unknown>): PageLanguage {
    const asked = form?.lang === 'en' || form?.lang === 'ja' ? form : req.query;
    return pageLanguage(asked, req.headers['accept-language']).lang;
  }

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', CSP)
  page(@Req() req: FastifyRequest): string {
    return loginPage(this.demoKeys().publishableKey, this.lang(req));
  }

  @Get('register')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', CSP)
  registerForm(@Req() req: FastifyRequest): string {
    return registerPage(this.demoKeys().publishableKey, this.lang(req));
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
    // The network selector (demo tenant only: this route signs with the demo keys) stands in for
    // where the visitor would be; "here" keeps the real client address.
    const network = (Object.keys(DEMO_NETWORKS).includes(String(form?.network)) ? form.network : 'here') as DemoNetwork;
    const clientIp = this.ips.resolve(req.socket.remoteAddress, req.headers['x-forwarded-for']) ?? '127.0.0.1';
    const ip = DEMO_NETWORKS[network].ip ?? clientIp;
    const request = {
      ...(token ? { requestToken: token } : {}),
      event: 'login',
      status: passwordOk ? 'succeeded' : 'failed',
      user: { id: user || 'anonymous' },
      context: {
        ip,
        userAgent: String(req.headers['user-agent'] ?? '').slice(0, 1024),
        acceptLanguage: String(req.headers['accept-language'] ?? '').slice(0, 256) || undefined,
      },
    };
    const res = await this.v1(req.socket.localPort, '/v1/risk', keys.secretKey, request);
    const id = (res.body as { id?: string }).id;
    const torListed =
      network === 'tor'
        ? await this.db.query(`SELECT EXISTS (SELECT 1 FROM tor_exit_nodes WHERE ip = $1::inet) AS listed`, [ip]).then(
            (r: { listed: boolean }[]) => r[0]?.listed ?? false,
            () => false,
          )
        : null;
    reply.status(passwordOk ? 200 : 401);
    return resultPage({
      lang: this.lang(req, form),
      user,
      passwordOk,
      risk: res,
      request: { ...request, requestToken: token ? `${token.slice(0, 12)}…` : undefined },
      thresholds: await this.thresholds(keys.tenantId),
      network,
      torListed,
      challengeCode: id ? this.oneTimeCode(id) : null,
    });
  }

  /** The second factor of a challenged demo login: the code decides challenge_passed or _failed feedback. */
  @Post('challenge')
  @HttpCode(200)
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', CSP)
  async challenge(
    @Body() form: Record<string, unknown>,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const keys = this.demoKeys();
    const assessmentId = String(form?.assessmentId ?? '').slice(0, 64);
    const code = String(form?.code ?? '').trim();
    if (!/^[0-9a-f-]{36}$/.test(assessmentId)) throw Errors.notFound('Assessment');
    const expected = Buffer.from(this.oneTimeCode(assessmentId));
    const given = Buffer.from(code.padEnd(expected.length).slice(0, expected.length));
    const passed = code.length === expected.length && timingSafeEqual(expected, given);
    const label = passed ? 'challenge_passed' : 'challenge_failed';
    const res = await this.v1(req.socket.localPort, '/v1/feedback', keys.secretKey, { assessmentId, label });
    reply.status(res.status === 200 || res.status === 201 ? 200 : res.status || 502);
    return challengePage({ lang: this.lang(req, form), passed, label, feedback: res });
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
      lang: this.lang(req, form),
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
