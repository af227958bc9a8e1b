import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { DeviceLinkRepository } from '@kizuki/database';
import { LinksController } from './links.controller';
import { LinksService } from './links.service';

@Module({ controllers: [LinksController], providers: [LinksService, DeviceLinkRepository], exports: [LinksService] })
export class LinksModule implements OnModuleInit {
  constructor(private readonly host: HttpAdapterHost) {}

  /** The confirmation page's form posts application/x-www-form-urlencoded with no fields: accept (and ignore) it. */
  onModuleInit(): void {
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    if (!fastify.hasContentTypeParser('application/x-www-form-urlencoded')) {
      fastify.addContentTypeParser(
        'application/x-www-form-urlencoded',
        { parseAs: 'string', bodyLimit: 1024 },
        (_req, _body, done) => done(null, {}),
      );
    }
  }
}
