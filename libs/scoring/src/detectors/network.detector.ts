import type { ReasonDetail } from '@kizuki/contract';
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
        detail: { key: 'network.tor', params: { ip: network.ip } },
      });
    if (network.datacenter || isHostingNetwork(network.asn, network.asnOrg)) {
      evidence.push({
        code: 'DATACENTER_IP',
        category: 'bot',
        risk: NETWORK_RISK.datacenter,
        detail: {
          key: 'network.hosting',
          params: {
            as:
              network.asn === null
                ? ''
                : network.asnOrg
                  ? { key: 'network.asOrg', params: { asn: network.asn, org: network.asnOrg } }
                  : { key: 'network.as', params: { asn: network.asn } },
          },
        },
      });
    }
    const countries = account?.countries ?? [];
    const languages = account?.languages ?? [];
    const country = network.country;
    if (country && countries.length > 0 && !countries.includes(country)) {
      evidence.push({
        code: 'NEW_COUNTRY',
        category: 'takeover',
        risk: NETWORK_RISK.newCountry,
        detail: { key: 'network.newCountry', params: { country, countries: countries.join(', ') } },
      });
      if (network.language && languages.length > 0 && !languages.includes(network.language)) {
        evidence.push({
          code: 'FOREIGN_IP_AND_LANGUAGE',
          category: 'takeover',
          risk: NETWORK_RISK.foreignLanguage,
          detail: {
            key: 'network.foreignLanguage',
            params: { country, language: network.language, languages: languages.join(', ') },
          },
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
        detail: {
          key: 'network.new',
          params: {
            prefix,
            others:
              usual.length === 1
                ? { key: 'network.oneOther' }
                : { key: 'network.otherCount', params: { count: usual.length } },
            where: unfamiliarDevice ? { key: 'where.onNewDevice' } : '',
          },
        },
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
          detail: {
            key: 'network.travel',
            params: {
              km: Math.round(km),
              from: last.country ? { key: 'network.travelFrom', params: { country: last.country } } : '',
              duration: formatHours(hours),
              kmh: Math.round(kmh),
            },
          },
        });
      }
    }
    return { evidence };
  },
};

function formatHours(h: number): ReasonDetail {
  return h < 1
    ? { key: 'duration.minutes', params: { n: Math.round(h * 60) } }
    : { key: 'duration.hours', params: { n: h.toFixed(1) } };
}
