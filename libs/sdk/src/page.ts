// Page context signal source: time on page, focus/blur/visibility changes, path.
import type { PageSignals, RiskEvent } from '@kizuki/contract';
import { LIMITS, clampStr, now, on } from './util';

/** Path only: no query string, no fragment (they can carry tokens or e-mail addresses). */
export function cleanPath(pathname: string): string {
  return clampStr(pathname.split(/[?#]/)[0] || '/');
}

export class PageSource {
  private focus = 0;
  private blur = 0;
  private visibility = 0;
  private off: Array<() => void> = [];

  start(win: Window = window): void {
    if (this.off.length) return;
    this.off = [
      on(win, 'focus', () => this.focus++, false),
      on(win, 'blur', () => this.blur++, false),
      on(win.document, 'visibilitychange', () => this.visibility++),
    ];
  }

  stop(): void {
    this.off.forEach((f) => f());
    this.off = [];
  }

  snapshot(win: Window = window, event?: RiskEvent): PageSignals {
    const cap = (n: number) => Math.min(n, LIMITS.pageEvents);
    return {
      loadToSubmitMs: Math.round(now()),
      focusChanges: cap(this.focus),
      blurCount: cap(this.blur),
      visibilityChanges: cap(this.visibility),
      path: cleanPath(win.location.pathname),
      ...(event ? { event } : {}),
    };
  }
}
