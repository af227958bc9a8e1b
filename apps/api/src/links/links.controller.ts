import { Controller, Get, Header, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../common/api-error';
import { ApiErrors } from '../docs/api-schemas';
import { pageLanguage } from '../common/page-language';
import { linkConfirmPage, linkDonePage, linkErrorPage } from './links-page';
import { LinksService } from './links.service';

const CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const wantsJson = (req: FastifyRequest) => String(req.headers.accept ?? '').includes('application/json');

/** "Was this you?" links that the customer e-mails its user: GET shows a confirmation, POST acts once. */
@ApiTags('links')
@Controller('links')
export class LinksController {
  constructor(private readonly links: LinksService) {}

  @Get(':token')
  @Header('Content-Security-Policy', CSP)
  @Header('Cache-Control', 'no-store')
  @Header('Referrer-Policy', 'no-referrer')
  @ApiOperation({
    summary: 'Confirmation page of an approve/report link (does not act: e-mail scanners prefetch links)',
  })
  @ApiParam({
    name: 'token',
    description: 'The signed link token (lk_…) from links.approve / links.report of the risk answer',
  })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'HTML page with a confirm button that POSTs to the same URL' })
  @ApiErrors(404, 410)
  async show(@Param('token') token: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    try {
      const c = await this.links.inspect(token);
      if (wantsJson(req))
        return void (await reply.send({
          action: c.x,
          deviceId: c.deviceId,
          expiresAt: new Date(c.e * 1000).toISOString(),
        }));
      const { lang, explicit } = pageLanguage(req.query, req.headers['accept-language']);
      await reply.type('text/html; charset=utf-8').send(linkConfirmPage(lang, c.x, explicit));
    } catch (e) {
      await this.fail(e, req, reply);
    }
  }

  @Post(':token')
  @HttpCode(200)
  @Header('Content-Security-Policy', CSP)
  @Header('Cache-Control', 'no-store')
  @Header('Referrer-Policy', 'no-referrer')
  @ApiOperation({
    summary: 'Follow an approve/report link once',
    description:
      'approve trusts the device for the user; report marks it fraud (future logins from it are denied) and sends ' +
      'the device.reported webhook. HTML for browsers, JSON with Accept: application/json.',
  })
  @ApiParam({ name: 'token', description: 'The signed link token (lk_…)' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: {
        action: { type: 'string', enum: ['approve', 'report'] },
        deviceId: { type: 'string' },
        status: { type: 'string', enum: ['trusted', 'fraud'] },
      },
    },
  })
  @ApiErrors(404, 410)
  async follow(@Param('token') token: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    try {
      const r = await this.links.follow(token);
      if (wantsJson(req)) return void (await reply.send(r));
      const { lang } = pageLanguage(req.query, req.headers['accept-language']);
      await reply.type('text/html; charset=utf-8').send(linkDonePage(lang, r.action));
    } catch (e) {
      await this.fail(e, req, reply);
    }
  }

  private async fail(e: unknown, req: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!(e instanceof ApiError)) throw e;
    if (wantsJson(req)) return void (await reply.status(e.getStatus()).send(e.getResponse()));
    const { lang } = pageLanguage(req.query, req.headers['accept-language']);
    await reply.status(e.getStatus()).type('text/html; charset=utf-8').send(linkErrorPage(lang, e.getStatus()));
  }
}
