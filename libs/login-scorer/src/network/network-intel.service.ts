import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { isHostingNetwork, type NetworkInfo } from '@kizuki/scoring';
import { NetworkIntel, sharedNetworkIntel } from './network-intel';

/**
 * Geo-IP and ASN for the score job, from databases shipped in npm packages (docs/scoring.md),
 * loaded once at boot. If they cannot be loaded the worker still scores, with network fields
 * null (logged once as an error): network evidence is then simply absent.
 */
@Injectable()
export class NetworkIntelService implements OnModuleInit {
  private readonly logger = new Logger(NetworkIntelService.name);
  private intel: NetworkIntel = NetworkIntel.empty();

  async onModuleInit(): Promise<void> {
    const started = Date.now();
    try {
      this.intel = await sharedNetworkIntel();
      this.logger.log({ msg: 'network intelligence loaded', ms: Date.now() - started });
    } catch (e) {
      this.logger.error({
        msg: 'network intelligence unavailable: scoring without geo-IP/ASN',
        error: e instanceof Error ? e.message : String(e),
      });
    }
  }

  /** NetworkInfo for the engine; tor comes from the Tor exit list (PostgreSQL), language from the header. */
  info(ip: string, language: string | null, tor: boolean): NetworkInfo {
    const i = this.intel.lookup(ip);
    return { ip, ...i, datacenter: isHostingNetwork(i.asn, i.asnOrg), tor, language };
  }
}
