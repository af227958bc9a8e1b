import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { KizukiConfig } from '@kizuki/config';
import { tenantDocumentKey } from '@kizuki/crypto';
import { SecretKeyGuard, Tenant } from '../auth/api-key.guard';
import type { AuthenticatedTenant } from '../auth/api-key.service';
import { ApiErrors, DocumentKeyDto } from '../docs/api-schemas';

/**
 * The tenant's document key: what @kizuki/client hashes ID document numbers with before they are
 * sent as identity.documentHash. Derived from the master secret per tenant (stable across API key
 * rotations), given only to the tenant's secret keys.
 */
@ApiTags('public')
@ApiBearerAuth('secretKey')
@Controller('v1/identity')
@UseGuards(SecretKeyGuard)
export class IdentityController {
  constructor(private readonly config: KizukiConfig) {}

  @Get('document-key')
  @ApiOperation({
    summary: "The tenant's key for hashing ID document numbers (used by @kizuki/client documentHash)",
    description:
      'documentHash = hex(HMAC-SHA256(key, number in NFKC, upper case, without spaces and hyphens)). ' +
      'Keep it like the secret key: with it, a document number can be tested against a hash.',
  })
  @ApiOkResponse({ type: DocumentKeyDto })
  @ApiErrors(401, 429)
  @Header('Cache-Control', 'no-store')
  documentKey(@Tenant() tenant: AuthenticatedTenant): DocumentKeyDto {
    return {
      key: tenantDocumentKey(this.config.KIZUKI_SECRET, tenant.tenantId).toString('base64url'),
      algorithm: 'HMAC-SHA256',
    };
  }
}
