// Small inline-SVG charts: no chart library, sized by viewBox so they scale with the page.
import { DECISIONS } from '@kizuki/contract';
import { fmtTick } from './app';
import type { Lang } from './i18n';

const COLORS = { allow: '#2e7d32', challenge: '#ef8f00', deny: '#c62828' } as const;

export function StackedBars({
  data,
  labels,
  bucket,
  lang,
  title,
  height = 190,
}: {
  data: { t: string; allow: number; challenge: number; deny: number }[];
  labels: Record<string, string>;
  bucket: 'hour' | 'day';
  lang: Lang;
  title: string;
  height?: number;
}) {
  const W = 720;
  const H = height;
  const pad = { l: 40, r: 8, t: 26, b: 22 };
  const max = Math.max(1, ...data.map((d) => d.allow + d.challenge + d.deny));
  const n = Math.max(1, data.length);
  const bw = (W - pad.l - pad.r) / n;
  const y = (v: number) => pad.t + (H - pad.t - pad.b) * (1 - v / max);
  // hourly ticks carry the date too: a 24 h range crosses midnight
  const every = Math.ceil(n / (bucket === 'hour' ? 6 : 8));
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title}>
      {[0, 0.5, 1].map((f) => (
        <g key={f}>
          <line x1={pad.l} x2={W - pad.r} y1={y(max * f)} y2={y(max * f)} stroke="#e3e6ea" />
          <text x={pad.l - 6} y={y(max * f) + 4} text-anchor="end" class="axis">
            {Math.round(max * f)}
          </text>
        </g>
      ))}
      {data.map((d, i) => {
        let acc = 0;
        return (
          <g key={d.t}>
            {DECISIONS.map((k) => {
              const v = d[k];
              const y0 = y(acc);
              acc += v;
              const y1 = y(acc);
              return v > 0 ? (
                <rect
                  x={pad.l + i * bw + 1}
                  width={Math.max(1, bw - 2)}
                  y={y1}
                  height={Math.max(0.5, y0 - y1)}
                  fill={COLORS[k]}
                >
                  <title>{`${labels[k]}: ${v}`}</title>
                </rect>
              ) : null;
            })}
            {i % every === 0 ? (
              <text x={pad.l + i * bw + bw / 2} y={H - 6} text-anchor="middle" class="axis">
                {fmtTick(d.t, lang, bucket)}
              </text>
            ) : null}
          </g>
        );
      })}
      <g transform={`translate(${pad.l}, 4)`}>
        {DECISIONS.map((k, i) => (
          <g key={k} transform={`translate(${i * 110}, 0)`}>
            <rect width="10" height="10" fill={COLORS[k]} />
            <text x="14" y="9" class="legend">
              {labels[k]}
            </text>
          </g>
        ))}
      </g>
    </svg>
  );
}

export function HBars({
  rows,
  onPick,
  format,
  empty = '—',
}: {
  rows: { key: string; n: number; flagged?: number }[];
  onPick?: (key: string) => void;
  format?: (k: string) => string;
  empty?: string;
}) {
  if (!rows.length) return <p class="muted">{empty}</p>;
  const max = Math.max(1, ...rows.map((r) => r.n));
  return (
    <div class="hbars">
      {rows.map((r) => (
        <div
          class={`hbar ${onPick ? 'clickable' : ''}`}
          key={r.key}
          onClick={() => onPick?.(r.key)}
          // a clickable bar is a button for the keyboard too (Tab, Enter, Space)
          {...(onPick
            ? {
                role: 'button',
                tabIndex: 0,
                onKeyDown: (e: KeyboardEvent) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    onPick(r.key);
                  }
                },
              }
            : {})}
        >
          <span class="hbar-label" title={r.key}>
            {format ? format(r.key) : r.key}
          </span>
          <svg viewBox="0 0 100 10" preserveAspectRatio="none" class="hbar-svg">
            <rect x="0" y="1" height="8" width={(100 * r.n) / max} fill="#90a4ae" />
            {r.flagged ? <rect x="0" y="1" height="8" width={(100 * r.flagged) / max} fill="#c62828" /> : null}
          </svg>
          <span class="hbar-n">
            {r.n}
            {r.flagged ? <small> / {r.flagged}</small> : null}
          </span>
        </div>
      ))}
    </div>
  );
}

/** One row of bars (this login) over grey bands (the account's usual range). */
export function RhythmChart({
  values,
  bands,
  title,
}: {
  values: number[];
  bands: { mid: number; lo: number; hi: number }[] | null;
  title: string;
}) {
  const W = 520;
  const H = 170;
  const pad = { l: 44, r: 8, t: 18, b: 18 };
  const n = Math.max(values.length, bands?.length ?? 0, 1);
  const all = [...values, ...(bands ?? []).flatMap((b) => [b.hi, b.lo])];
  const max = Math.max(50, ...all);
  const min = Math.min(0, ...all);
  const y = (v: number) => pad.t + (H - pad.t - pad.b) * (1 - (v - min) / (max - min));
  const bw = (W - pad.l - pad.r) / n;
  return (
    <svg class="chart rhythm" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title}>
      <text x={pad.l} y={12} class="legend">
        {title}
      </text>
      {[min, (min + max) / 2, max].map((v) => (
        <g key={v}>
          <line x1={pad.l} x2={W - pad.r} y1={y(v)} y2={y(v)} stroke="#e3e6ea" />
          <text x={pad.l - 6} y={y(v) + 4} text-anchor="end" class="axis">
            {Math.round(v)}
          </text>
        </g>
      ))}
      {(bands ?? []).map((b, i) => (
        <g key={`b${i}`}>
          <rect
            x={pad.l + i * bw + 1}
            width={bw - 2}
            y={y(b.hi)}
            height={Math.max(1, y(b.lo) - y(b.hi))}
            fill="#cfd8dc"
            opacity="0.8"
          />
          <line
            x1={pad.l + i * bw + 1}
            x2={pad.l + (i + 1) * bw - 1}
            y1={y(b.mid)}
            y2={y(b.mid)}
            stroke="#546e7a"
            stroke-width="2"
          />
        </g>
      ))}
      {values.map((v, i) => {
        const b = bands?.[i];
        const out = b ? v < b.lo || v > b.hi : false;
        const x = pad.l + i * bw + bw * 0.3;
        return (
          <rect
            key={`v${i}`}
            x={x}
            width={bw * 0.4}
            y={Math.min(y(v), y(0))}
            height={Math.max(1, Math.abs(y(0) - y(v)))}
            fill={out ? '#c62828' : '#1565c0'}
          >
            <title>{`#${i + 1}: ${v} ms${b ? ` (usual ${b.lo}–${b.hi})` : ''}`}</title>
          </rect>
        );
      })}
    </svg>
  );
}
