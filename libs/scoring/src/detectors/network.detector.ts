import type { Evidence } from '../types';
import { distanceKm, isHostingNetwork } from '../network/geo';
import { networkPrefix } from '../network/prefix';
import type { Detector } from './detector';

export const NETWORK_RISK = {
  tor: 0.45,
  datacenter: 0.3,
  newCountry: 0.2,
  foreignLanguage: 0.3,
  impossibleTravel: 0.45,
  /** the login's network (IPv4 /24, IPv6 /48) was never seen in a trusted login, on a device new to the account */
  newNetworkNewDevice: 0.25,
  /** … on a device the account already knows (a laptop at a café): information more than risk */
  newNetwork: 0.05,
} as const;

// Where the login comes from, against where the account's trusted logins came from.
// Country/language/network history only counts once the account has one (a first login is not "new").
// A network (IPv4 /24, IPv6 /48) the account never used is weak on its own — a new Wi-Fi, a café —
// but with a device new to the account it is the second independent sign that this is neither the
// usual person's machine nor their usual place: together they challenge (docs/scoring.md).
export const networkDetector: Detector = {
  name: 'network',
  run({ network, account, device, policy, now }) {
    const evidence: Evidence[] = [];
    if (network.tor)
      evidence.push({
        code: 'TOR_EXIT',
        category: 'integrity',
        risk: NETWORK_RISK.tor,
        detail: `${network.ip} is a Tor exit node.`,
      });
    if (network.datacenter || isHostingNetwork(network.asn, network.asnOrg)) {
      evidence.push({
        code: 'DATACENTER_IP',
        category: 'bot',
        risk: NETWORK_RISK.datacenter,
        detail:
          `The IP belongs to a hosting/cloud network` +
          (network.asn !== null ? ` (AS${network.asn}${network.asnOrg ? ` ${network.asnOrg}` : ''})` : '') +
          `, not an access provider.`,
      });
    }
    const countries = account?.countries ?? [];
    const languages = account?.languages ?? [];
    const foreign = !!network.country && countries.length > 0 && !countries.includes(network.country);
    if (foreign) {
      evidence.push({
        code: 'NEW_COUNTRY',
        category: 'takeover',
        risk: NETWORK_RISK.newCountry,
        detail: `First login from ${network.country} (trusted logins came from ${countries.join(', ')}).`,
      });
      if (network.language && languages.length > 0 && !languages.includes(network.language)) {
        evidence.push({
          code: 'FOREIGN_IP_AND_LANGUAGE',
          category: 'takeover',
          risk: NETWORK_RISK.foreignLanguage,
          detail:
            `Foreign IP (${network.country}) and a browser language (${network.language}) ` +
            `the account never used (${languages.join(', ')}).`,
        });
      }
    }
    const usual = account?.networks ?? [];
    const prefix = networkPrefix(network.ip);
    // Accounts without learned networks (enrolled before networks were learned, or new) are
    // unknown, not new: nothing until a trusted login taught one.
    if (prefix && usual.length > 0 && !account.isNew && !usual.includes(prefix)) {
      const unfamiliarDevice = !!device && !device.knownToAccount && device.status !== 'fraud';
      evidence.push({
        code: 'NEW_NETWORK',
        category: 'takeover',
        risk: unfamiliarDevice ? NETWORK_RISK.newNetworkNewDevice : NETWORK_RISK.newNetwork,
        detail:
          `First login from the network ${prefix} ` +
          `(trusted logins came from ${usual.length === 1 ? 'one other network' : `${usual.length} other networks`})` +
          `${unfamiliarDevice ? ', on a device new to the account' : ''}.`,
      });
    }
    const last = account?.lastLogin;
    if (
      last &&
      last.lat !== null &&
      last.lon !== null &&
      network.lat !== null &&
      network.lon !== null &&
      Number.isFinite(last.at)
    ) {
      const km = distanceKm(last.lat, last.lon, network.lat, network.lon);
      const hours = Math.max(1 / 60, (now - last.at) / 3_600_000);
      const kmh = km / hours;
      if (km >= policy.network.impossibleTravelMinKm && kmh > policy.network.impossibleTravelKmh) {
        evidence.push({
          code: 'IMPOSSIBLE_TRAVEL',
          category: 'takeover',
          risk: NETWORK_RISK.impossibleTravel,
          detail:
            `${Math.round(km)} km from the last trusted login${last.country ? ` (${last.country})` : ''}` +
            ` in ${formatHours(hours)}: ${Math.round(kmh)} km/h.`,
        });
      }
    }
    return { evidence };
  },
};

function formatHours(h: number): string {
  return h < 1 ? `${Math.round(h * 60)} min` : `${h.toFixed(1)} h`;
}
