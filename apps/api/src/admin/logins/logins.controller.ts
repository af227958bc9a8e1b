import { Body, Controller, Get, HttpCode, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import { ApiOperation } from '@nestjs/swagger';
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { AdminApi, ApiErrors } from '../../docs/api-schemas';
import { LabelDto, LoginsQueryDto, ReviewDto } from '../admin.dto';
import { Admin, AdminGuard, Roles } from '../auth/admin.guard';
import type { AdminPrincipal } from '../auth/admin-session.service';
import { LoginsService } from './logins.service';

@AdminApi()
@Controller('admin/api/logins')
@UseGuards(AdminGuard)
export class LoginsController {
  constructor(private readonly logins: LoginsService) {}

  @Get()
  @ApiOperation({ summary: 'Logins (assessments), newest first, with filters and keyset pages' })
  @ApiErrors(400)
  list(@Admin() p: AdminPrincipal, @Query() q: LoginsQueryDto) {
    return this.logins.page(p, q);
  }

  @Get('export.csv')
  @ApiOperation({ summary: 'The filtered logins as CSV' })
  @ApiErrors(400)
  async export(@Admin() p: AdminPrincipal, @Query() q: LoginsQueryDto, @Res() reply: FastifyReply): Promise<void> {
    const lines = await this.logins.exportCsv(p, q);
    reply
      .header('Content-Type', 'text/csv; charset=utf-8')
      .header(
        'Content-Disposition',
        `attachment; filename="kizuki-logins-${new Date().toISOString().slice(0, 10)}.csv"`,
      )
      .header('Cache-Control', 'no-store');
    await reply.send(Readable.from(lines));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One login with its reasons, scores, device, network and typing rhythm' })
  @ApiErrors(404)
  detail(@Admin() p: AdminPrincipal, @Param('id') id: string) {
    return this.logins.detail(p, id);
  }

  @Post(':id/label')
  @ApiOperation({ summary: 'Label a login legit or fraud (feeds learning)' })
  @ApiErrors(400, 404)
  @Roles('admin', 'analyst')
  @HttpCode(200)
  label(@Admin() p: AdminPrincipal, @Param('id') id: string, @Body() dto: LabelDto) {
    return this.logins.label(p, id, dto.label);
  }

  @Post(':id/review')
  @ApiOperation({ summary: 'Review queue: assign a login to me (or nobody) and/or set its note' })
  @ApiErrors(400, 404)
  @Roles('admin', 'analyst')
  @HttpCode(200)
  review(@Admin() p: AdminPrincipal, @Param('id') id: string, @Body() dto: ReviewDto) {
    return this.logins.review(p, id, dto);
  }
}
