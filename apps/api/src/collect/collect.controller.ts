import { Body, Controller, Header, HttpCode, Logger, Options, Post, Req, Res, UseGuards } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiNoContentResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { KizukiConfig } from '@kizuki/config';
import { signRequestToken } from '@kizuki/crypto';
import type { ReceivedBundle } from '@kizuki/queue';
import type { SignalBundle } from '@kizuki/contract';
import { PublishableKeyGuard, Tenant } from '../auth/api-key.guard';
import type { AuthenticatedTenant } from '../auth/api-key.service';
import { Errors } from '../common/api-error';
import { ClientIpResolver } from '../common/client-ip';
import { CompiledBodyPipe } from '../common/compiled-validation';
import { withDeadline } from '../common/deadline';
import { ApiErrors, CollectAnswerDto } from '../docs/api-schemas';
import { IngestBatcher } from '../queue/ingest-batcher';
import { CollectDto } from './collect.dto';

const ENQUEUE_TIMEOUT_MS = 1000;
/** how an app's bundle is stored in signal_bundles.origin: 'app:jp.example.shop' */
const APP_SOURCE = 'app:';
const COLLECT_BODY = new CompiledBodyPipe(CollectDto);

@ApiTags('public')
@Controller('v1/collect')
export class CollectController {
  private readonly logger = new Logger(CollectController.name);
  private readonly ips: ClientIpResolver;

  constructor(
    private readonly config: KizukiConfig,
    private readonly ingest: IngestBatcher,
  ) {
    this.ips = new ClientIpResolver(config.TRUSTED_PROXIES);
  }

  // The preflight cannot know the tenant (it carries no key), so it is answered for any origin;
  // the real POST is checked against the tenant's origins.
  @Options()
  @ApiOperation({
    summary: 'CORS preflight for the SDK',
    description:
      "Answered for any origin (a preflight carries no key); the POST itself is checked against the tenant's origins.",
  })
  @ApiNoContentResponse({ description: 'Preflight answered' })
  @ApiErrors(400)
  @HttpCode(204)
  @Header('Access-Control-Allow-Methods', 'POST')
  @Header('Access-Control-Allow-Headers', 'Content-Type, X-Kizuki-Key')
  @Header('Access-Control-Max-Age', '600')
  preflight(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): void {
    const origin = req.headers.origin;
    if (origin) reply.header('Access-Control-Allow-Origin', origin).header('Vary', 'Origin');
  }

  @Post()
  @HttpCode(202)
  @ApiOperation({
    summary: "Receive the SDK's signals (sent by the browser SDK)",
    description:
      'Body: the signal bundle (docs/sdk.md). ' +
      "Answers a signed, single-use, short-lived request token for your backend's risk call.",
  })
  @ApiSecurity('publishableKey')
  @ApiBody({ type: CollectDto })
  @ApiAcceptedResponse({ type: CollectAnswerDto })
  @ApiErrors(400, 401, 403, 413, 415, 429, 503)
  @UseGuards(PublishableKeyGuard)
  async collect(
    @Tenant() tenant: AuthenticatedTenant,
    // compiled from CollectDto's rules (the global pipe skips a non-class type): see compiled-validation.ts
    @Body(COLLECT_BODY) bundle: SignalBundle,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ requestToken: string; expiresAt: string }> {
    const origin = this.source(tenant, bundle, req);
    if (!origin.startsWith(APP_SOURCE)) reply.header('Access-Control-Allow-Origin', origin).header('Vary', 'Origin');

    const bundleId = randomUUID();
    const now = Date.now();
    const expires = Math.floor(now / 1000) + this.config.TOKEN_TTL_SECONDS;
    const received: ReceivedBundle = {
      tenantId: tenant.tenantId,
      bundleId,
      receivedAt: new Date(now).toISOString(),
      ip: this.ips.resolve(req.socket.remoteAddress, req.headers['x-forwarded-for']),
      userAgent: (req.headers['user-agent'] ?? '').slice(0, 512) || null,
      origin,
      bundle,
    };
    let batchId: string;
    try {
      batchId = await withDeadline(this.ingest.addBundle(received), ENQUEUE_TIMEOUT_MS, 'ingest enqueue');
    } catch (e) {
      this.logger.warn({ msg: 'collect could not enqueue', err: String(e) });
      throw Errors.unavailable('Kizuki cannot accept signals right now; the login can go on without a token.');
    }
    return {
      requestToken: signRequestToken(this.config.KIZUKI_SECRET, {
        t: tenant.tenantId,
        b: bundleId,
        e: expires,
        j: batchId,
      }),
      expiresAt: new Date(expires * 1000).toISOString(),
    };
  }

  /**
   * Where the bundle comes from, checked against the tenant: a page's Origin among its origins, or,
   * from an app (which sends no Origin), X-Kizuki-App among its app ids and equal to the bundle's
   * app.id. Nothing registered means nothing may collect (a copied key would otherwise work anywhere).
   */
  private source(tenant: AuthenticatedTenant, bundle: SignalBundle, req: FastifyRequest): string {
    const origin = req.headers.origin;
    if (origin) {
      if (!tenant.origins.includes(origin)) throw Errors.originNotAllowed(origin);
      // a page cannot speak for an app: its bundle would pass for a phone's
      if (bundle.app) throw Errors.validation([{ path: 'app', problems: ['app is sent only by the mobile SDK'] }]);
      return origin;
    }
    const header = req.headers['x-kizuki-app'];
    const appId = typeof header === 'string' ? header : null;
    if (!appId) throw Errors.originNotAllowed(null);
    if (!tenant.appIds.includes(appId)) throw Errors.appNotAllowed(appId.slice(0, 155));
    if (!bundle.app || bundle.app.id !== appId)
      throw Errors.validation([{ path: 'app.id', problems: ['app.id must equal the X-Kizuki-App header'] }]);
    return APP_SOURCE + appId;
  }
}
