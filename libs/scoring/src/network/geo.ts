// Pure network helpers: distances and the curated hosting (datacenter) list.

/** Great-circle distance in km (haversine, mean Earth radius). */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = Math.PI / 180;
  const dLat = (lat2 - lat1) * r;
  const dLon = (lon2 - lon1) * r;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * ASNs of cloud, hosting and VPN-hosting providers: logins from them come from servers, proxies
 * or VPN exits rather than from people's access networks. Curated, not exhaustive; the org-name
 * patterns below catch the long tail.
 */
export const HOSTING_ASNS: ReadonlySet<number> = new Set([
  16509,
  14618,
  8987, // Amazon AWS
  15169,
  396982,
  19527, // Google, Google Cloud
  8075,
  8068, // Microsoft Azure
  31898, // Oracle Cloud
  36351, // IBM Cloud / SoftLayer
  45102,
  37963, // Alibaba Cloud
  132203,
  45090, // Tencent Cloud
  136907,
  55990, // Huawei Cloud
  14061, // DigitalOcean
  16276,
  35540, // OVH
  24940,
  213230, // Hetzner
  63949, // Akamai Connected Cloud (Linode)
  20473, // Vultr (Choopa)
  51167, // Contabo
  12876, // Scaleway
  60781,
  16265,
  28753,
  30633, // Leaseweb
  9009, // M247
  212238, // Datacamp (CDN77)
  47583, // Hostinger
  36352, // ColoCrossing
  8100, // QuadraNet
  40676, // Psychz
  53667, // FranTech (BuyVM)
  46844, // Sharktech
  54290, // Hostwinds
  26496, // GoDaddy
  8560, // IONOS
  49505, // Selectel
  9123, // Timeweb
  21859, // Zenlayer
  62240, // Clouvider
  13335, // Cloudflare (incl. WARP egress)
]);

const HOSTING_ORG =
  /\b(hosting|hoster|server(s)?|vps|colo(cation)?|data ?cent(er|re)s?|dedicated|cloud|amazon|aws|google llc|microsoft corp|digitalocean|ovh|hetzner|linode|akamai|vultr|choopa|leaseweb|contabo|scaleway|m247|datacamp|hostinger|colocrossing|quadranet|psychz|frantech|sharktech|hostwinds|ionos|selectel|timeweb|zenlayer|clouvider|alibaba|tencent|oracle)\b/i;

/** Whether an ASN / its organisation is a hosting or cloud provider. */
export function isHostingNetwork(asn: number | null, org: string | null): boolean {
  if (asn !== null && HOSTING_ASNS.has(asn)) return true;
  return !!org && HOSTING_ORG.test(org);
}
