import { createRequire } from 'node:module';

// The maintained list of disposable-mail domains (the npm package disposable-email-domains:
// exact domains, and domains every subdomain of which is disposable). Read on first use, never
// downloaded at run time: updating it is updating the package.

let lists: { exact: Set<string>; wildcard: Set<string> } | null = null;

function load(): { exact: Set<string>; wildcard: Set<string> } {
  if (!lists) {
    const req = createRequire(__filename);
    lists = {
      exact: new Set(req('disposable-email-domains/index.json') as string[]),
      wildcard: new Set(req('disposable-email-domains/wildcard.json') as string[]),
    };
  }
  return lists;
}

/** The domain (lower case, no trailing dot) is disposable, or a subdomain of a disposable-mail provider. */
export function isDisposableEmailDomain(domain: string): boolean {
  const d = domain.toLowerCase().replace(/\.$/, '');
  const { exact, wildcard } = load();
  if (exact.has(d)) return true;
  const labels = d.split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    const parent = labels.slice(i).join('.');
    if (wildcard.has(parent) || (i > 0 && exact.has(parent))) return true;
  }
  return false;
}
