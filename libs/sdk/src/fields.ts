// Which inputs are observed and what role they play. Only attributes are read, never values.
import type { FieldRole } from '@kizuki/contract';

const TEXT_TYPES = /^(|text|email|password|tel|search|url|number)$/;

export type TextField = HTMLInputElement;

export function isTextField(el: unknown): el is TextField {
  return (
    !!el &&
    (el as Element).nodeType === 1 &&
    (el as Element).tagName === 'INPUT' &&
    TEXT_TYPES.test(((el as Element).getAttribute('type') || '').toLowerCase())
  );
}

/** type=password, then autocomplete, then name/id heuristics. */
export function fieldRole(el: Element): FieldRole {
  const attr = (n: string) => (el.getAttribute(n) || '').toLowerCase();
  const type = attr('type');
  const ac = attr('autocomplete');
  if (type === 'password' || /(current|new)-password/.test(ac)) return 'password';
  if (/\b(username|email|tel|webauthn)\b/.test(ac) || type === 'email') return 'username';
  const names = attr('name') + ' ' + attr('id');
  if (/pass|pwd|pin\b/.test(names)) return 'password';
  if (/user|login|e-?mail|account|ident|phone|handle|nick/.test(names)) return 'username';
  return 'other';
}

/** What a click landed on, as a role: 'submit' | 'username' | 'password' | 'other'. */
export function targetRole(el: Element | null): string {
  if (!el || el.nodeType !== 1) return 'other';
  if (isTextField(el)) return fieldRole(el);
  const btn = el.closest ? el.closest('button,input') : null;
  if (btn) {
    const type = (btn.getAttribute('type') || (btn.tagName === 'BUTTON' ? 'submit' : '')).toLowerCase();
    if (type === 'submit' || type === 'image') return 'submit';
  }
  return 'other';
}
