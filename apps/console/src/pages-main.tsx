import { RISK_EVENTS, type RiskReason } from '@kizuki/contract';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, qs } from './api';
import {
  AsOf,
  DateTimeInput,
  Decision,
  ErrorBox,
  fromLocalInput,
  LabelButtons,
  Link,
  profileStateKey,
  TableHead,
  Time,
  useApp,
  useLoad,
  UserLabel,
} from './app';
import { HBars, RhythmChart, StackedBars } from './charts';
import { REASONS, reasonDetail, type Key, type Lang } from './i18n';
import type { Dashboard as DashboardData, LoginDetail as LoginDetailData, LoginRow, Page } from './types';

const RANGES = [
  ['24h', 'last24h'],
  ['7d', 'last7d'],
  ['30d', 'last30d'],
] as const;

export function RangePicker({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const { t } = useApp();
  return (
    <div class="seg">
      {RANGES.map(([v, k]) => (
        <button key={v} class={value === v ? 'on' : ''} onClick={() => onChange(v)}>
          {t(k)}
        </button>
      ))}
    </div>
  );
}

export function Dashboard() {
  const { t, reason, go, lang } = useApp();
  const [range, setRange] = useState('24h');
  const { data, error } = useLoad(() => api<DashboardData>('GET', `/dashboard${qs({ range })}`), [range]);
  return (
    <section>
      <header class="page-head">
        <h1>{t('dashboard')}</h1>
        <RangePicker value={range} onChange={setRange} />
      </header>
      <ErrorBox error={error} />
      {!data ? (
        <p class="muted">{t('loading')}</p>
      ) : (
        <>
          <div class="kpis">
            <Kpi label={t('total')} value={data.totals.total} />
            <Kpi label={t('allow')} value={data.totals.allow} cls="d-allow" />
            <Kpi label={t('challenge')} value={data.totals.challenge} cls="d-challenge" />
            <Kpi label={t('deny')} value={data.totals.deny} cls="d-deny" />
            <Kpi label={t('fraudLabels')} value={data.totals.fraud} />
            <Kpi label={t('users')} value={data.totals.users} />
            <Kpi label={t('distinctIps')} value={data.totals.ips} />
            <button type="button" class="kpi kpi-link" id="kpi-review" onClick={() => go('/review')}>
              <div class="kpi-v">
                {data.review.open.toLocaleString()}
                {data.review.capped ? '+' : ''}
              </div>
              <div class="kpi-l">{t('toReview')}</div>
            </button>
          </div>
          <div class="card">
            <h2>{t('decisionsOverTime')}</h2>
            <StackedBars
              data={data.series}
              bucket={data.bucket}
              lang={lang}
              title={t('decisionsOverTime')}
              labels={{ allow: t('allow'), challenge: t('challenge'), deny: t('deny') }}
            />
          </div>
          <div class="grid2">
            <div class="card">
              <h2>{t('topReasons')}</h2>
              <HBars
                empty={t('noData')}
                rows={data.reasons.map((r) => ({ key: r.code, n: r.n }))}
                onPick={(k) => go(`/logins${qs({ reason: k })}`)}
              />
            </div>
            <div class="card">
              <h2>{t('attackBursts')}</h2>
              {data.bursts.length === 0 ? (
                <p class="muted">{t('noBursts')}</p>
              ) : (
                <table class="tbl">
                  <TableHead cols={['time', 'flagged', 'checks', 'users', 'ipCount']} />
                  <tbody>
                    {data.bursts.map((b) => (
                      <tr key={b.t}>
                        <td>
                          <Time at={b.t} />
                        </td>
                        <td class="num">{b.bad}</td>
                        <td class="num">{b.n}</td>
                        <td class="num">{b.users}</td>
                        <td class="num">{b.ips}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          </div>
          <div class="grid3">
            <div class="card">
              <div class="card-head">
                <h2>{t('topIps')}</h2>
                <AsOf at={data.ipsAsOf} />
              </div>
              <HBars
                empty={t('noData')}
                rows={data.ips}
                onPick={(k) => !k.includes('x') && go(`/logins${qs({ ip: k })}`)}
              />
            </div>
            <div class="card">
              <h2>{t('topAsns')}</h2>
              <HBars empty={t('noData')} rows={data.asns} format={(k) => `AS${k}`} />
            </div>
            <div class="card">
              <h2>{t('topCountries')}</h2>
              <HBars empty={t('noData')} rows={data.countries} onPick={(k) => go(`/logins${qs({ country: k })}`)} />
            </div>
          </div>
          <p class="muted small">
            {data.reasons.length
              ? data.reasons
                  .slice(0, 3)
                  .map((r) => `${r.code}: ${reason(r.code)}`)
                  .join(' · ')
              : ''}
          </p>
        </>
      )}
    </section>
  );
}

function Kpi({ label, value, cls }: { label: string; value: number; cls?: string }) {
  return (
    <div class={`kpi ${cls ?? ''}`}>
      <div class="kpi-v">{value.toLocaleString()}</div>
      <div class="kpi-l">{label}</div>
    </div>
  );
}

type Filters = Record<string, string>;
const FILTER_KEYS = [
  'event',
  'decision',
  'reason',
  'user',
  'ip',
  'device',
  'country',
  'label',
  'from',
  'to',
  'account',
];

function readFilters(): Filters {
  const p = new URLSearchParams(location.search);
  const f: Filters = {};
  for (const k of FILTER_KEYS) {
    const v = p.get(k);
    if (v) f[k] = v;
  }
  return f;
}

export function Logins() {
  const { t, lang, go, canEdit, me, path } = useApp();
  const search = location.search;
  const filters = readFilters();
  const [draft, setDraft] = useState<Filters>(filters);
  const [extra, setExtra] = useState<LoginRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  useEffect(() => setDraft(readFilters()), [search]);
  const { data, error, setData } = useLoad(async () => {
    setExtra([]);
    const r = await api<Page<LoginRow>>('GET', `/logins${qs({ ...toApi(readFilters(), lang), limit: 50 })}`);
    setCursor(r.nextCursor ?? null);
    return r;
  }, [path, search]);
  const apply = (f: Filters) => go(`/logins${qs(f)}`);
  const more = async () => {
    const r = await api<Page<LoginRow>>('GET', `/logins${qs({ ...toApi(filters, lang), limit: 50, cursor })}`);
    setExtra([...extra, ...r.items]);
    setCursor(r.nextCursor ?? null);
  };
  const label = async (id: string, l: 'fraud' | 'legit') => {
    await api('POST', `/logins/${id}/label`, { label: l });
    const patch = (x: LoginRow): LoginRow => (x.id === id ? { ...x, label: l } : x);
    setExtra(extra.map(patch));
    if (data) setData({ ...data, items: data.items.map(patch) });
  };
  const items = [...(data?.items ?? []), ...extra];
  const field = (k: string, ph?: string, type = 'text') => (
    <input
      type={type}
      name={k}
      placeholder={ph}
      value={draft[k] ?? ''}
      onInput={(e) => setDraft({ ...draft, [k]: (e.target as HTMLInputElement).value })}
    />
  );
  // date inputs show and take the display zone's wall time in the display's format; the URL keeps the instant (ISO)
  const dateField = (k: 'from' | 'to') => (
    <DateTimeInput
      name={k}
      value={draft[k] ? toApi({ [k]: draft[k] }, lang)[k] : ''}
      onChange={(iso) => setDraft({ ...draft, [k]: iso })}
    />
  );
  return (
    <section>
      <header class="page-head">
        <h1>{t('logins')}</h1>
        <a class="btn" href={`/admin/api/logins/export.csv${qs(toApi(filters, lang))}`} download>
          {t('exportCsv')}
        </a>
      </header>
      <form
        class="filters card"
        onSubmit={(e) => {
          e.preventDefault();
          apply(draft);
        }}
      >
        <label>
          {t('event')}
          <select
            name="event"
            value={draft.event ?? ''}
            onChange={(e) => setDraft({ ...draft, event: (e.target as HTMLSelectElement).value })}
          >
            <option value="">{t('any')}</option>
            {RISK_EVENTS.map((ev) => (
              <option key={ev} value={ev}>
                {t(`ev_${ev}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('decision')}
          <select
            name="decision"
            value={draft.decision ?? ''}
            onChange={(e) => setDraft({ ...draft, decision: (e.target as HTMLSelectElement).value })}
          >
            <option value="">{t('any')}</option>
            <option value="allow">{t('allow')}</option>
            <option value="challenge">{t('challenge')}</option>
            <option value="deny">{t('deny')}</option>
          </select>
        </label>
        <label>
          {t('reasons')}
          <select
            name="reason"
            value={draft.reason ?? ''}
            onChange={(e) => setDraft({ ...draft, reason: (e.target as HTMLSelectElement).value })}
          >
            <option value="">{t('any')}</option>
            {Object.keys(REASONS).map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('user')}
          {field('user', t('userIdPlaceholder'))}
        </label>
        {me?.role !== 'viewer' ? (
          <label>
            {t('ip')}
            {field('ip', '203.0.113.7 / 203.0.113.0/24')}
          </label>
        ) : null}
        <label>
          {t('device')}
          {field('device', t('deviceIdPlaceholder'))}
        </label>
        <label>
          {t('country')}
          {field('country', 'JP')}
        </label>
        <label>
          {t('label')}
          <select
            name="label"
            value={draft.label ?? ''}
            onChange={(e) => setDraft({ ...draft, label: (e.target as HTMLSelectElement).value })}
          >
            <option value="">{t('any')}</option>
            <option value="fraud">{t('fraud')}</option>
            <option value="legit">{t('legit')}</option>
            <option value="none">{t('none')}</option>
          </select>
        </label>
        <label>
          {t('from')}
          {dateField('from')}
        </label>
        <label>
          {t('to')}
          {dateField('to')}
        </label>
        <div class="filter-actions">
          <button type="submit" class="btn primary">
            {t('apply')}
          </button>
          <button type="button" class="btn" onClick={() => apply({})}>
            {t('clear')}
          </button>
        </div>
      </form>
      <ErrorBox error={error} />
      <div class="tbl-wrap">
        <table class="tbl logins">
          <TableHead cols={['time', 'event', 'decision', 'num:score', 'reasons', 'ip', 'country', 'user', 'label']} />
          <tbody>
            {items.map((x) => (
              <tr key={x.id} class="row-link" data-id={x.id}>
                <td>
                  <Link href={`/logins/${x.id}`}>
                    <Time at={x.createdAt} />
                  </Link>
                </td>
                <td class="event">
                  {t(`ev_${x.event ?? 'login'}`)}
                  {x.changes?.length ? (
                    <span class="muted small"> ({x.changes.map((c) => t(`ch_${c}`)).join(', ')})</span>
                  ) : null}
                </td>
                <td>
                  <Decision d={x.decision} shadow={x.shadow} />
                </td>
                <td class="num">{x.score}</td>
                <td class="codes">
                  <ReasonChips codes={x.reasons} lang={lang} />
                </td>
                <td class="mono ip">{x.ip ?? '—'}</td>
                <td>{x.country ?? '—'}</td>
                <td>
                  <Link href={`/accounts/${x.account.id}`}>
                    <UserLabel account={x.account} />
                  </Link>
                </td>
                <td>
                  {x.label ? (
                    <span class={`badge l-${x.label}`}>
                      {t(x.label === 'fraud' ? 'fraud' : x.label === 'legit' ? 'legit' : 'none')}
                    </span>
                  ) : null}
                  {canEdit && !x.label ? <LabelButtons onLabel={(l) => void label(x.id, l)} /> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data && items.length === 0 ? <p class="muted">{t('noResults')}</p> : null}
      {cursor ? (
        <button class="btn" onClick={more}>
          {t('more')}
        </button>
      ) : null}
    </section>
  );
}

function toApi(f: Filters, lang: Lang): Filters {
  const out: Filters = { ...f };
  // older links may carry a wall time (datetime-local): it means the display zone's
  for (const k of ['from', 'to'])
    if (out[k])
      out[k] = /Z$|[+-]\d\d:\d\d$/.test(out[k]) ? new Date(out[k]).toISOString() : fromLocalInput(out[k], lang);
  return out;
}

/** One chip per reason code (a code the engine gave twice, with two details, is one chip). */
export function ReasonChips({ codes, lang }: { codes: string[]; lang: Lang }) {
  return (
    <>
      {[...new Set(codes)].map((c) => (
        <span key={c} class="code" title={REASONS[c]?.[lang] ?? c}>
          {c}
        </span>
      ))}
    </>
  );
}

/** The reasons of a login grouped by code, each code once with all its details in the UI language. */
export function groupReasons(reasons: RiskReason[], lang: Lang): { code: string; details: string[] }[] {
  const out = new Map<string, string[]>();
  for (const r of reasons) {
    const d = out.get(r.code) ?? [];
    const text = reasonDetail(r, lang);
    if (text && !d.includes(text)) d.push(text);
    out.set(r.code, d);
  }
  return [...out].map(([code, details]) => ({ code, details }));
}

export function statusKey(s: string): Key {
  return `st_${s}` as Key;
}

export function deviceStatusKey(s: string): Key {
  return `ds_${s}` as Key;
}

export function LoginDetail({ id }: { id: string }) {
  const { t, lang, reason, canEdit } = useApp();
  const { data: a, error, setData, reload } = useLoad(() => api<LoginDetailData>('GET', `/logins/${id}`), [id]);
  const [err, setErr] = useState<ApiError | null>(null);
  if (error) return <ErrorBox error={error} />;
  if (!a) return <p class="muted">{t('loading')}</p>;
  const label = async (l: 'fraud' | 'legit') => {
    if (l === 'fraud' && !confirm(t('confirmFraud'))) return;
    try {
      await api('POST', `/logins/${id}/label`, { label: l });
      setData({ ...a, label: l });
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  const comps = a.device?.components ?? {};
  return (
    <section class="detail">
      <header class="page-head">
        <h1>
          {t('loginDetail')} <span class="mono small">{a.id.slice(0, 8)}</span>
        </h1>
        <div class="head-right">
          <Decision d={a.decision} shadow={a.shadow} />
          <span class="score-big">{a.score}</span>
          {a.label ? (
            <span class={`badge l-${a.label}`}>{t('labelled', { l: t(a.label === 'fraud' ? 'fraud' : 'legit') })}</span>
          ) : null}
          {canEdit ? (
            <>
              <button class="btn danger" id="label-fraud" onClick={() => label('fraud')}>
                {t('markFraud')}
              </button>
              <button class="btn" id="label-legit" onClick={() => label('legit')}>
                {t('markLegit')}
              </button>
            </>
          ) : null}
        </div>
      </header>
      <ErrorBox error={err} />
      <p class="muted">
        <Time at={a.createdAt} /> · <span class="event">{t(`ev_${a.event ?? 'login'}`)}</span>
        {a.changes?.length ? ` (${t('changes')}: ${a.changes.map((c) => t(`ch_${c}`)).join(', ')})` : ''} ·{' '}
        {t('status')}: {t(statusKey(a.status))}
        {a.shadow ? ` · ${t('shadow')}: ${t(a.policyDecision)}` : ''}
      </p>
      {canEdit && !a.label && (a.decision !== 'allow' || a.policyDecision !== 'allow') ? (
        <ReviewBox id={a.id} review={a.review} onChange={reload} />
      ) : null}
      <div class="card">
        <h2>{t('whyThisDecision')}</h2>
        <ul class="reasons">
          {groupReasons(a.reasons, lang).map((r) => (
            <li key={r.code}>
              <span class="code">{r.code}</span>
              <div>
                <div>{reason(r.code)}</div>
                {r.details.map((d) => (
                  <div key={d} class="muted small">
                    {d}
                  </div>
                ))}
              </div>
            </li>
          ))}
        </ul>
        <div class="scores">
          {Object.entries(a.scores ?? {}).map(([k, v]) => (
            <div key={k} class="score-item">
              <span>{t(`score_${k}` as Key)}</span>
              <svg viewBox="0 0 100 8" preserveAspectRatio="none" class="meter">
                <rect width="100" height="8" fill="#eceff1" />
                {v !== null ? (
                  <rect
                    width={Math.round(100 * Number(v))}
                    height="8"
                    fill={Number(v) > 0.6 ? '#c62828' : Number(v) > 0.3 ? '#ef8f00' : '#2e7d32'}
                  />
                ) : null}
              </svg>
              <span class="num">{v === null ? '—' : Number(v).toFixed(2)}</span>
            </div>
          ))}
        </div>
      </div>
      <div class="grid3">
        <div class="card">
          <h2>{t('network')}</h2>
          <dl>
            <dt>{t('ip')}</dt>
            <dd class="mono">{a.network.ip ?? '—'}</dd>
            <dt>{t('location')}</dt>
            <dd>{a.network.country ?? '—'}</dd>
            <dt>{t('asn')}</dt>
            <dd>{a.network.asn ? `AS${a.network.asn}` : '—'}</dd>
            <dt>{t('userAgent')}</dt>
            <dd class="small">{a.network.userAgent ?? '—'}</dd>
          </dl>
          <BlockButtons ip={a.network.ip} asn={a.network.asn} />
        </div>
        <div class="card">
          <h2>{t('device')}</h2>
          {a.device ? (
            <dl>
              <dt>ID</dt>
              <dd class="mono small">{a.device.id}</dd>
              <dt>{t('status')}</dt>
              <dd>
                <span class={`badge s-${a.device.linkStatus}`}>{t(deviceStatusKey(a.device.linkStatus))}</span>
              </dd>
              <dt>{t('firstSeen')}</dt>
              <dd>
                <Time at={a.device.firstSeenAt} />
              </dd>
              <dt>{t('deviceAccounts')}</dt>
              <dd>{a.device.accounts}</dd>
              {Object.entries(comps)
                .slice(0, 6)
                .map(([k, v]) => (
                  <>
                    <dt key={k}>{COMPONENT_KEYS[k] ? t(COMPONENT_KEYS[k]) : k}</dt>
                    <dd class="small">{String(v)}</dd>
                  </>
                ))}
            </dl>
          ) : (
            <p class="muted">—</p>
          )}
        </div>
        <div class="card">
          <h2>{t('account')}</h2>
          <dl>
            <dt>{t('user')}</dt>
            <dd>
              <UserLabel account={a.account} />
            </dd>
            <dt>{t('loginsCount')}</dt>
            <dd>{a.account.loginCount}</dd>
            <dt>{t('trustedLogins')}</dt>
            <dd>{a.account.trustedLogins}</dd>
            <dt>{t('countries')}</dt>
            <dd>{(a.account.countries ?? []).join(', ') || '—'}</dd>
          </dl>
          <Link class="btn" href={`/accounts/${a.account.id}`}>
            {t('openAccount')}
          </Link>
        </div>
      </div>
      <div class="card" id="typing">
        <h2>{t('typingRhythm')}</h2>
        <p class="muted small">{t('typingLegend')}</p>
        {a.typing.map((ty) => (
          <div key={ty.role} class="rhythm-block">
            <h3>
              {`${t(`field_${ty.role}` as Key)} · ${t(ty.modality)} · `}
              <span class={`badge p-${ty.state}`}>{t(profileStateKey(ty.state))}</span>{' '}
              <span class="muted small">{t('samples', { n: ty.samples })}</span>
            </h3>
            {ty.login ? (
              <div class="grid2">
                <RhythmChart title={t('holdTimes')} values={ty.login.holds} bands={ty.profile?.holds ?? null} />
                <RhythmChart title={t('flightTimes')} values={ty.login.flights} bands={ty.profile?.flights ?? null} />
              </div>
            ) : (
              <p class="muted">
                {t('notTyped')}
                {ty.pasted ? ` (${t('typedPasted')})` : ''}
                {ty.autofilled ? ` (${t('typedAutofilled')})` : ''}
              </p>
            )}
          </div>
        ))}
      </div>
      {a.behaviour ? (
        <div class="card">
          <h2>{t('behaviour')}</h2>
          <dl class="inline">
            <dt>{t('pointer')}</dt>
            <dd>
              {a.behaviour.pointer
                ? t('pointerSummary', {
                    type: t(`pointer_${a.behaviour.pointer.type}` as Key),
                    n: a.behaviour.pointer.eventCount,
                    c: a.behaviour.pointer.clicks,
                  })
                : '—'}
            </dd>
            <dt>{t('automation')}</dt>
            <dd>
              {a.behaviour.automation
                ? `${t('webdriver')}: ${t(a.behaviour.automation.webdriver ? 'yes' : 'no')} · ${
                    (a.behaviour.automation.signals ?? []).join(', ') || '—'
                  }`
                : '—'}
            </dd>
            <dt>{t('page')}</dt>
            <dd>{a.behaviour.page ? `${a.behaviour.page.path} · ${a.behaviour.page.loadToSubmitMs} ms` : '—'}</dd>
          </dl>
        </div>
      ) : null}
    </section>
  );
}

/** Device fingerprint components the console names in words (others keep their technical key). */
const COMPONENT_KEYS: Record<string, Key> = {
  screen: 'comp_screen',
  platform: 'comp_platform',
  timezone: 'comp_timezone',
  languages: 'comp_languages',
  hardwareConcurrency: 'comp_cores',
};

/** Assign a login of the review queue to oneself (or give it back) and keep a note on it. */
export function ReviewBox({
  id,
  review,
  onChange,
}: {
  id: string;
  review: LoginDetailData['review'];
  onChange: () => void;
}) {
  const { t, me } = useApp();
  const [note, setNote] = useState(review.note ?? '');
  const [err, setErr] = useState<ApiError | null>(null);
  const send = async (body: Record<string, unknown>) => {
    try {
      await api('POST', `/logins/${id}/review`, body);
      onChange();
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  const mine = review.assignee?.email === me?.email;
  return (
    <div class="card review-box">
      <h2>{t('review')}</h2>
      <ErrorBox error={err} />
      <p>
        {t('assignee')}: <strong id="review-assignee">{review.assignee?.email ?? t('unassigned')}</strong>{' '}
        {mine ? (
          <button class="btn tiny" onClick={() => send({ assign: 'none' })}>
            {t('unassign')}
          </button>
        ) : (
          <button class="btn tiny" id="assign-me" onClick={() => send({ assign: 'me' })}>
            {t('assignToMe')}
          </button>
        )}
      </p>
      <label class="note">
        {t('note')}
        <textarea
          name="note"
          maxLength={2000}
          rows={2}
          value={note}
          onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)}
        />
      </label>
      <button class="btn" id="save-note" onClick={() => send({ note })}>
        {t('saveNote')}
      </button>
    </div>
  );
}

/** Deny-list an IP and/or its network (ASN) from where the analyst sees it; confirmed first, then said. */
export function BlockButtons({ ip, asn }: { ip: string | null; asn: number | null }) {
  const { t, canEdit, errorText } = useApp();
  const [done, setDone] = useState<string[]>([]);
  const [err, setErr] = useState<ApiError | null>(null);
  if (!canEdit) return null;
  const block = async (kind: 'ip' | 'asn', value: string, shown: string) => {
    if (!confirm(t('confirmBlock', { v: shown }))) return;
    setErr(null);
    try {
      await api('POST', '/lists', { list: 'deny', kind, value, comment: t('blockedFromConsole') });
      setDone([...done, shown]);
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  const asnText = asn !== null ? `AS${asn}` : null;
  return (
    <span class="actions block-actions" onClick={(e) => e.stopPropagation()}>
      {ip && !done.includes(ip) ? (
        <button type="button" class="btn tiny danger block-ip" onClick={() => void block('ip', ip, ip)}>
          {t('blockIp')}
        </button>
      ) : null}
      {asnText && !done.includes(asnText) ? (
        <button type="button" class="btn tiny danger block-asn" onClick={() => void block('asn', String(asn), asnText)}>
          {t('blockAsn', { asn: asnText })}
        </button>
      ) : null}
      {done.length ? <span class="ok small">{t('blocked', { v: done.join(', ') })}</span> : null}
      {err ? (
        <span class="error small" title={err.message}>
          {errorText(err)}
        </span>
      ) : null}
    </span>
  );
}
