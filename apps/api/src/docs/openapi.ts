import { Injectable } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { HealthCheckDto } from './api-schemas';
import { validatedClasses } from '../common/dto-rules';
import { deriveSchemasFromValidators } from './validator-schemas';

/** The OpenAPI document of every public (/v1, /links, /health, /metrics, /sdk) and admin (/admin/api) route. */
export function buildOpenApiDocument(app: NestFastifyApplication): OpenAPIObject {
  // every validated class: those the document does not reference are not in it
  deriveSchemasFromValidators(validatedClasses());
  const config = new DocumentBuilder()
    .setTitle('Kizuki API')
    .setDescription(
      [
        'Login-fraud detection. The browser SDK posts signals to `/v1/collect` (publishable key); ' +
          'your backend asks `/v1/risk` (secret key) during each login and gets allow / challenge / deny with reasons.',
        '',
        'Every error has the shape `{"error":{"code","message","details"?}}`. ' +
          "Another tenant's id answers 404, like an unknown one.",
        'The admin console API (`/admin/api`) uses the console session cookie and, on every non-GET call, ' +
          'the `X-CSRF-Token` header from the login answer.',
        'Webhooks are signed with HMAC-SHA256 over `timestamp.body` in the `Kizuki-Signature: t=…,v1=…` header ' +
          '(docs/api.md).',
      ].join('\n'),
    )
    .setVersion('1')
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', description: 'Secret key sk_live_… (server to server)' },
      'secretKey',
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-Kizuki-Key',
        description: 'Publishable key pk_live_… (browsers, registered origins only)',
      },
      'publishableKey',
    )
    .addCookieAuth(
      'kizuki_session',
      { type: 'apiKey', in: 'cookie', description: 'Console session (__Host-kizuki_session over HTTPS)' },
      'session',
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-CSRF-Token',
        description: 'CSRF token from the login answer; required on POST/PUT/PATCH/DELETE',
      },
      'csrf',
    )
    .addTag('public', 'The customer API: collect, risk, feedback, assessments, users')
    .addTag('links', '"Was this you?" links followed by end users')
    .addTag('operations', 'Health, metrics, SDK assets')
    .addTag('admin', 'Admin console API')
    .build();
  return SwaggerModule.createDocument(app, config, {
    extraModels: [HealthCheckDto],
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
}

/** Holds the document built at start-up, for DocsController. */
@Injectable()
export class OpenApiDocument {
  document: OpenAPIObject | null = null;
}

/**
 * Builds the document once the app's modules exist (before init); DocsController serves it at /docs-json and the UI at
 * /docs.
 */
export function setupOpenApi(app: NestFastifyApplication): OpenAPIObject {
  const document = buildOpenApiDocument(app);
  app.get(OpenApiDocument).document = document;
  return document;
}
