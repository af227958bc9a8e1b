import { createHmac } from 'node:crypto';
import { openSecret, sealSecret } from './sealed-secrets';

// A customer may send a display label with the risk call (user.email / user.name / user.label) so
// analysts can tell who an account is. It is stored sealed under a per-tenant key (never in clear,
// never in a job payload or a log), and found only by exact value through a keyed hash per tenant:
// a dump of the table reveals neither the labels nor whether two tenants share a user.

export interface DisplayLabel {
  email?: string;
  name?: string;
  label?: string;
}

export const DISPLAY_LABEL_FIELDS = ['email', 'name', 'label'] as const;

/** The form exact search compares: Unicode NFKC, trimmed, inner spaces collapsed, lower case. */
export function normaliseDisplayValue(value: string): string {
  return value.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

function searchKey(masterSecret: string, tenantId: string): Buffer {
  return createHmac('sha256', masterSecret).update(`kizuki:display-label-search:v1:${tenantId}`).digest();
}

/** The keyed hash a value is searched by (the same for any of the three fields). */
export function displayLabelSearchKey(masterSecret: string, tenantId: string, value: string): string {
  return createHmac('sha256', searchKey(masterSecret, tenantId)).update(normaliseDisplayValue(value)).digest('hex');
}

/** The fields given (empty ones dropped), or null when there is none. */
export function compactDisplayLabel(l: DisplayLabel | undefined | null): DisplayLabel | null {
  if (!l) return null;
  const out: DisplayLabel = {};
  for (const f of DISPLAY_LABEL_FIELDS) {
    const v = l[f]?.trim();
    if (v) out[f] = v;
  }
  return Object.keys(out).length ? out : null;
}

export interface SealedDisplayLabel {
  sealed: string;
  /** keyed hashes of each field's normalised value, sorted, unique */
  keys: string[];
}

export function sealDisplayLabel(masterSecret: string, tenantId: string, label: DisplayLabel): SealedDisplayLabel {
  const keys = new Set<string>();
  for (const f of DISPLAY_LABEL_FIELDS) {
    const v = label[f];
    if (v) keys.add(displayLabelSearchKey(masterSecret, tenantId, v));
  }
  return {
    sealed: sealSecret(masterSecret, 'display-label', JSON.stringify(label), tenantId),
    keys: [...keys].sort(),
  };
}

/** The label, or null when it cannot be opened (another tenant's, altered, or the secret changed). */
export function openDisplayLabel(masterSecret: string, tenantId: string, sealed: string | null): DisplayLabel | null {
  if (!sealed) return null;
  try {
    return compactDisplayLabel(JSON.parse(openSecret(masterSecret, 'display-label', sealed, tenantId)) as DisplayLabel);
  } catch {
    return null;
  }
}

/** What a viewer sees: the first character of each part, the e-mail's domain kept. */
export function maskDisplayLabel(l: DisplayLabel | null): DisplayLabel | null {
  if (!l) return null;
  const maskWord = (s: string) => {
    const chars = [...s];
    return chars.length <= 1 ? '•' : `${chars[0]}${'•'.repeat(Math.min(chars.length - 1, 6))}`;
  };
  const out: DisplayLabel = {};
  if (l.email) {
    const at = l.email.lastIndexOf('@');
    out.email = at > 0 ? `${maskWord(l.email.slice(0, at))}@${l.email.slice(at + 1)}` : maskWord(l.email);
  }
  if (l.name) out.name = l.name.split(/\s+/).map(maskWord).join(' ');
  if (l.label) out.label = maskWord(l.label);
  return out;
}
