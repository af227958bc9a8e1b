import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { ApiError } from './api';
import { DICTS, REASONS, type Key, type Lang } from './i18n';
import type { DisplayLabel, Me, TypingRoleView } from './types';

export type { Me };

export interface Ctx {
  lang: Lang;
  setLang: (l: Lang) => void;
  me: Me | null;
  setMe: (m: Me | null) => void;
  path: string;
  go: (path: string) => void;
  /** the member's chosen time zone (null: the language's default) */
  timeZone: string | null;
  setTimeZone: (tz: string | null) => void;
}

/** Prefixes of the i18n keys that label raw API values: list names, list kinds, roles, detectors. */
export type EnumKind = 'list' | 'kind' | 'role' | 'det';

export const AppCtx = createContext<Ctx>(null as unknown as Ctx);

export function useApp(): Ctx & {
  t: (k: Key, vars?: Record<string, string | number>) => string;
  reason: (code: string) => string;
  name: (kind: EnumKind, value: string) => string;
  errorText: (error: ApiError) => string;
  canEdit: boolean;
  isAdmin: boolean;
} {
  const c = useContext(AppCtx);
  const t = (k: Key, vars: Record<string, string | number> = {}) =>
    DICTS[c.lang][k].replace(/\{(\w+)\}/g, (_, v) => String(vars[v] ?? ''));
  const reason = (code: string) => REASONS[code]?.[c.lang] ?? code;
  // A value the console has no label for yet (a newer server) shows raw rather than crashing the page.
  const name = (kind: EnumKind, value: string) =>
    (DICTS[c.lang] as Record<string, string | undefined>)[`${kind}_${value}`] ?? value;
  // The server words its errors in English; in Japanese the code says what happened (the server's
  // text stays in the element's title for support).
  const errorText = (error: ApiError) => {
    if (c.lang === 'en') return error.message;
    const dict = DICTS[c.lang] as Record<string, string | undefined>;
    return dict[`err_${error.code}`] ?? dict.err_OTHER ?? error.message;
  };
  return {
    ...c,
    t,
    reason,
    name,
    errorText,
    canEdit: c.me?.role === 'admin' || c.me?.role === 'analyst',
    isAdmin: c.me?.role === 'admin',
  };
}

/** Loads data for a page; reloads when deps change. */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: unknown[],
): { data: T | null; error: ApiError | null; reload: () => void; setData: (d: T) => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    load()
      .then((d) => live && setData(d))
      .catch((e) => live && setError(e instanceof ApiError ? e : new ApiError(0, 'ERROR', String(e))));
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { data, error, reload: () => setTick((x) => x + 1), setData };
}

export function Link({ href, children, class: cls }: { href: string; children: ComponentChildren; class?: string }) {
  const { go } = useApp();
  return (
    <a
      href={`/console${href}`}
      class={cls}
      onClick={(e) => {
        if (e.ctrlKey || e.metaKey || e.button !== 0) return;
        e.preventDefault();
        go(href);
      }}
    >
      {children}
    </a>
  );
}

export function Decision({ d, shadow }: { d: string; shadow?: boolean }) {
  const { t } = useApp();
  return (
    <span class={`badge d-${d}`}>
      {t(d as Key)}
      {shadow ? <small> ({t('shadow')})</small> : null}
    </span>
  );
}

export function ErrorBox({ error }: { error: ApiError | null }) {
  const { t, errorText } = useApp();
  if (!error) return null;
  return (
    <div class="error" role="alert" title={error.message}>
      {error.status === 404 ? t('notFound') : `${t('error')}: ${errorText(error)}`}
    </div>
  );
}

/** The dictionary key of a typing profile's state. */
export function profileStateKey(state: TypingRoleView['state']): Key {
  return state === 'none' ? 'profileNone' : state;
}

/** The console user's time zone (My account); null: the language's default. Set by the shell. */
let userTimeZone: string | null = null;

export function setUserTimeZone(tz: string | null): void {
  userTimeZone = tz;
}

/** The zone dates are shown in: the user's choice, else Asia/Tokyo for Japanese, else the browser's. */
export function displayTimeZone(lang: Lang): string {
  return userTimeZone ?? (lang === 'ja' ? 'Asia/Tokyo' : Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
}

/** The date and time parts of an instant in the display zone (24-hour clock). */
export function zonedParts(s: string | Date, lang: Lang): Record<'year' | 'month' | 'day' | 'hour' | 'minute', string> {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: displayTimeZone(lang),
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(s));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute') };
}

/** ja: 2026/12/03 22:10, en: 2026-12-03 22:10 (never a locale's DD/MM), in the display zone. */
export function fmtTime(s: string | Date | null | undefined, lang: Lang): string {
  if (!s) return '—';
  const p = zonedParts(s, lang);
  const sep = lang === 'ja' ? '/' : '-';
  return `${p.year}${sep}${p.month}${sep}${p.day} ${p.hour}:${p.minute}`;
}

/** An instant as the console shows it (fmtTime), kept on one line: a Japanese cell may break anywhere. */
export function Time({ at }: { at: string | Date | null | undefined }) {
  const { lang } = useApp();
  return <span class="nowrap">{fmtTime(at, lang)}</span>;
}

/** A snapshot's time: HH:MM when it is today in the display zone, else the date too. */
function fmtAsOf(at: string, lang: Lang): string {
  const p = zonedParts(at, lang);
  const today = zonedParts(new Date(), lang);
  const sameDay = p.year === today.year && p.month === today.month && p.day === today.day;
  return sameDay ? `${p.hour}:${p.minute}` : fmtTime(at, lang);
}

/** How current a snapshot's figures are ("as of 14:05", 「14:05 時点」); nothing when they are live (null). */
export function AsOf({ at }: { at: string | null | undefined }) {
  const { t, lang } = useApp();
  if (!at) return null;
  return (
    <span class="muted small as-of" title={t('asOfHint')}>
      {t('asOf', { t: fmtAsOf(at, lang) })}
    </span>
  );
}

/** A typed date and time in the display's own format (2026/12/03 22:10 or 2026-12-03 22:10, `T` accepted). */
export function parseDisplayTime(v: string, lang: Lang): string | null {
  const m = v.trim().match(/^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T]+(\d{1,2}):(\d{2}))?$/);
  if (!m) return null;
  const [y, mo, d, h, mi] = [+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0)];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return null;
  const pad = (n: number) => String(n).padStart(2, '0');
  return fromLocalInput(`${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${pad(mi)}`, lang);
}

/**
 * A date-and-time field that reads and writes the format the console displays, in the display zone.
 * Not the browser's datetime-local: that one follows the browser's locale (mm/dd/yyyy, AM/PM in an
 * English browser) rather than the console's language. `value` and `onChange` carry the instant (ISO).
 */
export function DateTimeInput({
  name,
  value,
  onChange,
}: {
  name: string;
  value: string;
  onChange: (iso: string) => void;
}) {
  const { lang } = useApp();
  const shown = value ? fmtTime(value, lang) : '';
  const [text, setText] = useState<string | null>(null);
  const current = text ?? shown;
  const bad = current.trim() !== '' && parseDisplayTime(current, lang) === null;
  return (
    <input
      type="text"
      name={name}
      inputMode="numeric"
      autocomplete="off"
      placeholder={lang === 'ja' ? '2026/12/03 22:10' : '2026-12-03 22:10'}
      value={current}
      aria-invalid={bad ? 'true' : undefined}
      class={bad ? 'invalid' : undefined}
      onInput={(e) => {
        const v = (e.target as HTMLInputElement).value;
        setText(v);
        if (!v.trim()) onChange('');
        else {
          const iso = parseDisplayTime(v, lang);
          if (iso) onChange(iso);
        }
      }}
      onBlur={() => setText(null)}
    />
  );
}

/** A chart axis tick: the date (and hour for hourly buckets) in the display zone. */
export function fmtTick(s: string | Date, lang: Lang, bucket: 'hour' | 'day'): string {
  const p = zonedParts(s, lang);
  const date = lang === 'ja' ? `${Number(p.month)}/${Number(p.day)}` : `${p.month}-${p.day}`;
  return bucket === 'hour' ? `${date} ${p.hour}:00` : date;
}

/** The value of a datetime-local input for an instant, in the display zone (inputs agree with the display). */
export function toLocalInput(iso: string, lang: Lang): string {
  const p = zonedParts(iso, lang);
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

/** The instant a datetime-local input means in the display zone. */
export function fromLocalInput(v: string, lang: Lang): string {
  const m = v.match(/^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/);
  if (!m) return v;
  const asUtc = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
  // the zone's offset at that wall time (two passes settle DST edges)
  let t = asUtc;
  for (let i = 0; i < 2; i++) {
    const p = zonedParts(new Date(t), lang);
    const shown = Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute);
    t = t - (shown - asUtc);
  }
  return new Date(t).toISOString();
}

/** Who an account is: its display label when the customer sends one (masked for viewers), else the pseudonym. */
export function UserLabel({ account }: { account: { userHash: string; display?: DisplayLabel | null } }) {
  const d = account.display;
  const main = d?.email ?? d?.name ?? d?.label;
  if (!main) return <span class="mono">{account.userHash}</span>;
  const rest = [d?.name, d?.label].filter((x) => x && x !== main);
  return (
    <span class="user-label" title={account.userHash}>
      {main}
      {rest.length ? <span class="muted small"> · {rest.join(' · ')}</span> : null}
    </span>
  );
}

/** A login's Fraud / Legit buttons. Fraud asks first: it denies the device's future logins. */
export function LabelButtons({ onLabel }: { onLabel: (l: 'fraud' | 'legit') => void }) {
  const { t } = useApp();
  return (
    <span class="actions">
      <button class="btn tiny danger" onClick={() => confirm(t('confirmFraud')) && onLabel('fraud')}>
        {t('markFraud')}
      </button>
      <button class="btn tiny" onClick={() => onLabel('legit')}>
        {t('markLegit')}
      </button>
    </span>
  );
}

/** A column of TableHead: a label key, `num:` before it for a right-aligned number, '' for an unlabelled one. */
export type Column = Key | `num:${Key}` | '';

/** A table's header row, one <th> per column (every table has column headers). */
export function TableHead({ cols }: { cols: Column[] }) {
  const { t } = useApp();
  return (
    <thead>
      <tr>
        {cols.map((c, i) =>
          c === '' ? (
            <th key={i} />
          ) : c.startsWith('num:') ? (
            <th key={i} class="num">
              {t(c.slice(4) as Key)}
            </th>
          ) : (
            <th key={i}>{t(c as Key)}</th>
          ),
        )}
      </tr>
    </thead>
  );
}
