import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Errors } from '../common/api-error';
import { OpenApiDocument } from './openapi';

// Swagger UI's files, from the swagger-ui-dist package on this server (no CDN).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const UI_DIR: string = (require('swagger-ui-dist') as { getAbsoluteFSPath(): string }).getAbsoluteFSPath();
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

const PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Kizuki API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"><link rel="icon" href="/docs/favicon-32x32.png"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/swagger-ui-init.js"></script></body></html>`;

const INIT = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/docs-json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  });
});`;

// The UI needs inline styles (it sets style attributes) and data: images; everything else is this origin.
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** /docs (Swagger UI), its assets, and the OpenAPI document at /docs-json. */
@ApiExcludeController()
@Controller()
export class DocsController {
  private readonly cache = new Map<string, Buffer>();

  constructor(private readonly doc: OpenApiDocument) {}

  @Get('docs-json')
  json() {
    return this.doc.document;
  }

  @Get('docs')
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Content-Security-Policy', CSP)
  page(): string {
    return PAGE;
  }

  @Get('docs/swagger-ui-init.js')
  @Header('Content-Type', 'application/javascript; charset=utf-8')
  init(): string {
    return INIT;
  }

  @Get('docs/:file')
  @Header('Cache-Control', 'public, max-age=86400')
  @Header('X-Content-Type-Options', 'nosniff')
  async asset(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const type = ASSETS[file];
    if (!type) throw Errors.notFound('File');
    let body = this.cache.get(file);
    if (!body) {
      body = await readFile(join(UI_DIR, file));
      this.cache.set(file, body);
    }
    reply.type(type);
    return body;
  }
}
