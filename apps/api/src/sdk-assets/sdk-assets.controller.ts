import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { KizukiConfig } from '@kizuki/config';
import { Errors } from '../common/api-error';
import { staticDir } from '../common/static-dir';
import { ApiErrors } from '../docs/api-schemas';

const FILES: Record<string, string> = {
  'kizuki.js': 'application/javascript; charset=utf-8',
  'kizuki.esm.js': 'application/javascript; charset=utf-8',
};

/** Serves the browser SDK bundles (built by npm run build:sdk) to any origin. */
@ApiTags('operations')
@Controller('sdk')
export class SdkAssetsController {
  private readonly dir: string;
  private readonly cache = new Map<string, Buffer>();

  constructor(config: KizukiConfig) {
    this.dir = join(staticDir(config.KIZUKI_STATIC_DIR), 'sdk');
  }

  @Get(':file')
  @ApiOperation({ summary: 'The browser SDK bundle (IIFE or ESM)' })
  @ApiParam({ name: 'file', enum: ['kizuki.js', 'kizuki.esm.js'] })
  @ApiProduces('application/javascript')
  @ApiOkResponse({ description: 'JavaScript' })
  @ApiErrors(404)
  @Header('Access-Control-Allow-Origin', '*')
  @Header('Cross-Origin-Resource-Policy', 'cross-origin')
  @Header('X-Content-Type-Options', 'nosniff')
  @Header('Cache-Control', 'public, max-age=300')
  async file(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const type = FILES[file];
    if (!type) throw Errors.notFound('SDK file');
    let body = this.cache.get(file);
    if (!body) {
      body = await readFile(join(this.dir, file)).catch(() => {
        throw Errors.notFound('SDK bundle (run npm run build:sdk)');
      });
      this.cache.set(file, body);
    }
    reply.type(type);
    return body;
  }
}
