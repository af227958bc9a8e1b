import { Module } from '@nestjs/common';
import { BundleResolver } from './bundle-resolver';
import { BundleWriter } from './bundle-writer';
import { LoginScorer } from './login-scorer';
import { NetworkIntelService } from './network/network-intel.service';
import { VelocityStore } from './velocity.store';

/**
 * Scoring a login with its I/O (PostgreSQL state, Redis velocity, geo-IP/ASN, webhooks) around the
 * pure engine of @kizuki/scoring. The worker imports it for its score jobs; the api too, only when
 * it scores risk calls itself (RISK_SCORING=inline): it loads the geo databases at boot.
 * Needs the global ConfigModule, DatabaseModule and WebhooksModule (@kizuki/webhooks).
 */
@Module({
  providers: [LoginScorer, BundleResolver, BundleWriter, VelocityStore, NetworkIntelService],
  exports: [LoginScorer, BundleWriter, VelocityStore, NetworkIntelService],
})
export class LoginScorerModule {}
