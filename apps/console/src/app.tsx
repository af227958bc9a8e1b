import { createContext, type ComponentChildren } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { ApiError } from './api';
import { DICTS, REASONS, type Key, type Lang } from './i18n';
import type { Me, TypingRoleView } from './types';

export type { Me };

export interface Ctx {
  lang: Lang;
  setLang: (l: Lang) => void;
  me: Me | null;
  setMe: (m: Me | null) => void;
  path: string;
  go: (path: string) => void;
}

export const AppCtx = createContext<Ctx>(null as unknown as Ctx);

export function useApp(): Ctx & {
  t: (k: Key, vars?: Record<string, string | number>) => string;
  reason: (code: string) => string;
  canEdit: boolean;
  isAdmin: boolean;
} {
  const c = useContext(AppCtx);
  const t = (k: Key, vars: Record<string, string | number> = {}) =>
    DICTS[c.lang][k].replace(/\{(\w+)\}/g, (_, v) => String(vars[v] ?? ''));
  const reason = (code: string) => REASONS[code]?.[c.lang] ?? code;
  return {
    ...c,
    t,
    reason,
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
  const { t } = useApp();
  if (!error) return null;
  return (
    <div class="error" role="alert">
      {error.status === 404 ? t('notFound') : `${t('error')}: ${error.message}`}
    </div>
  );
}

/** The dictionary key of a typing profile's state. */
export function profileStateKey(state: TypingRoleView['state']): Key {
  return state === 'none' ? 'profileNone' : state;
}

export function fmtTime(s: string | Date | null | undefined, lang: Lang): string {
  if (!s) return '—';
  return new Date(s).toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-GB', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}
