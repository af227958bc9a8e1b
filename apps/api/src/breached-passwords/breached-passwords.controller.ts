import { Controller, Get, Header, Param, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { SecretKeyGuard } from '../auth/api-key.guard';
import { ApiErrors } from '../docs/api-schemas';
import { BreachedPasswordsService } from './breached-passwords.service';

/**
 * GET /v1/breached-passwords/range/{prefix}: the Pwned Passwords range API, served from the
 * operator's own corpus. The customer's backend asks with its secret key (counted by the per-key
 * rate limit like every /v1 call); the password and its full hash never leave the backend.
 */
@ApiTags('public')
@ApiBearerAuth('secretKey')
@Controller('v1/breached-passwords')
@UseGuards(SecretKeyGuard)
export class BreachedPasswordsController {
  constructor(private readonly breached: BreachedPasswordsService) {}

  @Get('range/:prefix')
  @ApiOperation({
    summary: 'Breached passwords whose SHA-1 starts with a 5-hex prefix (k-anonymity)',
    description:
      'Pwned Passwords format: "SUFFIX:COUNT" lines (35 upper-case hex, CRLF). Always padded with random ' +
      'count-0 suffixes to one size for the whole corpus, counts zero-padded to 10 digits.',
  })
  @ApiParam({ name: 'prefix', description: 'First 5 hex characters of the SHA-1 of the password', example: '21BD1' })
  @ApiProduces('text/plain')
  @ApiOkResponse({
    description: 'SUFFIX:COUNT lines',
    schema: { type: 'string', example: '0018A45C4D1DEF81644B54AB7F969B88D65:0000000001' },
  })
  @ApiErrors(400, 401, 429, 503)
  @Header('Cache-Control', 'no-store')
  @Header('X-Content-Type-Options', 'nosniff')
  async range(@Param('prefix') prefix: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const body = await this.breached.range(prefix);
    reply.type('text/plain; charset=utf-8');
    return body;
  }
}
