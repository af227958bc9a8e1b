import { Injectable } from '@nestjs/common';
import { KizukiConfig } from '@kizuki/config';
import { pseudonymiseUser } from '@kizuki/crypto';

/** The api's one way to turn a customer's user id into the stored pseudonym (per-tenant keyed HMAC). */
@Injectable()
export class PseudonymService {
  constructor(private readonly config: KizukiConfig) {}

  user(tenantId: string, userId: string): string {
    return pseudonymiseUser(this.config.KIZUKI_SECRET, tenantId, userId);
  }
}
