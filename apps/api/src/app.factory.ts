import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SIGNAL_LIMITS } from '@kizuki/contract';
import { createLogger, type KizukiConfig } from '@kizuki/config';
import { ApiModule } from './app.module';
import { ErrorFilter } from './common/error.filter';
import { installBodyDepthLimit } from './common/body-depth';
import { RateLimiter, RateLimitInterceptor } from './common/rate-limit';
import { installSecurityHeaders } from './common/security-headers';
import { isApiRoute } from './common/route';
import { createValidationPipe } from './common/validation';
import { RedisConnections } from '@kizuki/queue';
import { setupOpenApi } from './docs/openapi';
import { recordRoutes } from './docs/route-table';
import { installHttpObservability, requestId } from './metrics/http-observability';
import { MetricsService } from './metrics/metrics.service';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** Builds the api (used by main.ts and by the e2e tests, so both run the same app). */
export async function createApiApp(
  config: KizukiConfig,
  options: { logger?: false } = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    // Oversize bodies are refused while streaming, before any parsing.
    bodyLimit: SIGNAL_LIMITS.bodyBytes,
    // Client IPs come from the socket or the configured proxies (ClientIpResolver), never blindly from headers.
    trustProxy: false,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // X-Request-Id: the caller's when sane, else a new one; echoed on every answer and logged.
    genReqId: requestId,
    requestIdHeader: false,
  });
  recordRoutes(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(config), adapter, {
    logger: options.logger === false ? false : createLogger(config),
    bufferLogs: false,
  });
  app.useGlobalFilters(new ErrorFilter());
  app.useGlobalPipes(createValidationPipe());
  // With both limits off (0) no interceptor runs at all: it would cost every request an rxjs pipeline for nothing.
  if (config.RATE_LIMIT_PER_KEY > 0 || config.RATE_LIMIT_PER_IP > 0) {
    app.useGlobalInterceptors(
      new RateLimitInterceptor(config, new RateLimiter(config, app.get(RedisConnections).commands)),
    );
  }
  installSecurityHeaders(app.getHttpAdapter().getInstance(), config.TRUSTED_PROXIES);
  installBodyDepthLimit(app.getHttpAdapter().getInstance());
  // JSON is the only body the API speaks: anything else is refused before parsing.
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (req, reply) => {
      if (!BODY_METHODS.has(req.method) || !isApiRoute(req)) return;
      const type = String(req.headers['content-type'] ?? '')
        .split(';')[0]
        .trim()
        .toLowerCase();
      if (type !== 'application/json' && !(type === '' && req.headers['content-length'] === '0')) {
        await reply
          .status(415)
          .send({ error: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Send the body as application/json.' } });
      }
    });
  installHttpObservability(app.getHttpAdapter().getInstance(), app.get(MetricsService));
  setupOpenApi(app);
  app.enableShutdownHooks();
  return app;
}
