import { DECISIONS, RISK_EVENTS } from '@kizuki/contract';
import { useState } from 'preact/hooks';
import { api, ApiError, qs } from './api';
import {
  AsOf,
  DateTimeInput,
  Decision,
  type EnumKind,
  ErrorBox,
  fmtTime,
  Link,
  profileStateKey,
  TableHead,
  Time,
  useApp,
  useLoad,
  UserLabel,
} from './app';
import { AUDIT_ACTIONS, type Key } from './i18n';
import { BlockButtons, RangePicker, ReasonChips } from './pages-main';
import type {
  Account as AccountData,
  ApiKeyRow,
  AuditRow,
  Backtest,
  IpSummary,
  KeyCreated,
  ListEntry,
  LoginRow,
  Me,
  Page,
  PolicyAnswer,
  LifecycleEvent,
  PolicyFields,
  TeamInvited,
  TeamMember,
  TotpSetup,
} from './types';

export function Account({ id }: { id: string }) {
  const { t, lang, canEdit } = useApp();
  const { data: a, error, reload } = useLoad(() => api<AccountData>('GET', `/accounts/${id}`), [id]);
  const { data: hist } = useLoad(() => api<Page<LoginRow>>('GET', `/logins${qs({ account: id, limit: 20 })}`), [id]);
  const [err, setErr] = useState<ApiError | null>(null);
  if (error) return <ErrorBox error={error} />;
  if (!a) return <p class="muted">{t('loading')}</p>;
  const act = async (f: () => Promise<unknown>) => {
    try {
      setErr(null);
      await f();
      reload();
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  return (
    <section>
      <header class="page-head">
        <h1>
          {t('account')} <UserLabel account={a} />
        </h1>
      </header>
      <ErrorBox error={err} />
      <div class="grid3">
        <div class="card">
          <dl>
            <dt>{t('firstSeen')}</dt>
            <dd>
              <Time at={a.createdAt} />
            </dd>
            <dt>{t('lastSeen')}</dt>
            <dd>
              <Time at={a.lastSeenAt} />
            </dd>
            <dt>{t('loginsCount')}</dt>
            <dd>{a.loginCount}</dd>
            <dt>{t('trustedLogins')}</dt>
            <dd>{a.trustedLogins}</dd>
            <dt>{t('networks')}</dt>
            <dd class="mono small">{(a.networks ?? []).join(', ') || '—'}</dd>
          </dl>
        </div>
        <div class="card">
          <h2>{t('profile')}</h2>
          <ul class="plain">
            {a.typing.map((p) => (
              <li key={`${p.modality}.${p.role}`}>
                {t(`field_${p.role}` as Key)} · {t(p.modality)}:{' '}
                <span class={`badge p-${p.state}`}>{t(profileStateKey(p.state))}</span>{' '}
                <span class="muted small nowrap">{t('samples', { n: p.samples })}</span>
              </li>
            ))}
            <li>
              {t('pointer')}: {a.hasPointerProfile ? t('yes') : t('no')}
            </li>
          </ul>
          {canEdit ? (
            <button
              class="btn"
              id="reset-profile"
              onClick={() => confirm(t('confirmReset')) && act(() => api('POST', `/accounts/${id}/reset-profile`, {}))}
            >
              {t('resetProfile')}
            </button>
          ) : null}
        </div>
        <div class="card">
          <h2>{t('countries')}</h2>
          {a.countryHistory.length === 0 ? <p class="muted">{t('noCountryData')}</p> : null}
          <table class="tbl">
            <TableHead cols={['country', 'num:loginsCount', 'lastSeen']} />
            <tbody>
              {a.countryHistory.map((c) => (
                <tr key={c.country}>
                  <td>{c.country}</td>
                  <td class="num">{c.n}</td>
                  <td>
                    <Time at={c.lastSeen} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </div>
      <div class="card">
        <h2>{t('devices')}</h2>
        <table class="tbl">
          <TableHead cols={['device', 'status', 'num:loginsCount', 'firstSeen', 'lastSeen', 'action']} />
          <tbody>
            {a.devices.map((d) => (
              <tr key={d.id}>
                <td>
                  <span class="mono small">{d.id.slice(0, 8)}</span>{' '}
                  <span class="muted small">
                    {[d.components?.platform, d.components?.screen, d.components?.timezone].filter(Boolean).join(' · ')}
                  </span>
                </td>
                <td>
                  <span class={`badge s-${d.status}`}>{t(`ds_${d.status}` as Key)}</span>
                  {d.otherAccounts ? <span class="muted small"> +{d.otherAccounts}</span> : null}
                </td>
                <td class="num">{d.logins}</td>
                <td>
                  <Time at={d.firstSeenAt} />
                </td>
                <td>
                  <Time at={d.lastSeenAt} />
                </td>
                <td>
                  {canEdit ? (
                    <span class="actions">
                      {d.status !== 'trusted' ? (
                        <button
                          class="btn tiny approve"
                          onClick={() => act(() => api('POST', `/accounts/${id}/devices/${d.id}/approve`, {}))}
                        >
                          {t('approve')}
                        </button>
                      ) : null}
                      {d.status !== 'fraud' ? (
                        <button
                          class="btn tiny danger report"
                          onClick={() =>
                            confirm(t('confirmReport')) &&
                            act(() => api('POST', `/accounts/${id}/devices/${d.id}/report`, {}))
                          }
                        >
                          {t('report')}
                        </button>
                      ) : null}
                    </span>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="card">
        <h2>{t('history')}</h2>
        <table class="tbl">
          <TableHead cols={['time', 'decision', 'num:score', 'ip', 'country', 'reasons']} />
          <tbody>
            {(hist?.items ?? []).map((x) => (
              <tr key={x.id}>
                <td>
                  <Link href={`/logins/${x.id}`}>
                    <Time at={x.createdAt} />
                  </Link>
                </td>
                <td>
                  <Decision d={x.decision} shadow={x.shadow} />
                </td>
                <td class="num">{x.score}</td>
                <td class="mono">{x.ip ?? '—'}</td>
                <td>{x.country ?? '—'}</td>
                <td class="codes">
                  <ReasonChips codes={x.reasons} lang={lang} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function Ips() {
  const { t, go, me, canEdit } = useApp();
  const [range, setRange] = useState('24h');
  const [sort, setSort] = useState('checks');
  const { data, error } = useLoad(() => api<IpSummary>('GET', `/ips${qs({ range, sort })}`), [range, sort]);
  const th = (k: string, label: string) => (
    <th class={`num sortable ${sort === k ? 'sorted' : ''}`} aria-sort={sort === k ? 'descending' : 'none'}>
      <button type="button" class="th-btn" onClick={() => setSort(k)}>
        {label}
        {sort === k ? ' ▼' : ''}
      </button>
    </th>
  );
  // a flag is known only with the data behind it: ASN for datacenter, a country for foreign
  const flag = (on: boolean, known: boolean) =>
    !known ? <span class="muted">{t('noDataShort')}</span> : on ? <span class="flag">● {t('yes')}</span> : t('no');
  return (
    <section>
      <header class="page-head">
        <h1>{t('ips')}</h1>
        <div class="head-right">
          <AsOf at={data?.asOf} />
          <RangePicker value={range} onChange={setRange} />
        </div>
      </header>
      <ErrorBox error={error} />
      <div class="tbl-wrap">
        <table class="tbl ips">
          <thead>
            <tr>
              <th>{t('ip')}</th>
              {th('checks', t('checks'))}
              {th('users', t('users'))}
              {th('failures', t('failures'))}
              {th('flagged', t('flagged'))}
              <th class="num">{t('denied')}</th>
              <th>{t('countries')}</th>
              <th>{t('asn')}</th>
              <th>{t('datacenter')}</th>
              <th>{t('tor')}</th>
              <th>{t('foreign')}</th>
              {th('last', t('lastSeen'))}
              {canEdit ? <th>{t('action')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {(data?.items ?? []).map((r) => (
              <tr
                key={r.ip}
                class={me?.role !== 'viewer' ? 'clickable' : ''}
                onClick={() => me?.role !== 'viewer' && go(`/logins${qs({ ip: r.ip })}`)}
              >
                <td class="mono">{r.ip}</td>
                <td class="num">{r.checks}</td>
                <td class="num">{r.users}</td>
                <td class="num">{r.failures}</td>
                <td class="num">{r.flagged}</td>
                <td class="num">{r.denied}</td>
                <td>{r.countries.join(', ') || <span class="muted">{t('noDataShort')}</span>}</td>
                <td>{r.asn ? `AS${r.asn}` : <span class="muted">{t('noDataShort')}</span>}</td>
                <td>{flag(r.datacenter, r.asn !== null)}</td>
                <td>{flag(r.tor, true)}</td>
                <td>{flag(r.foreign, r.countries.length > 0)}</td>
                <td>
                  <Time at={r.lastSeen} />
                </td>
                {canEdit ? (
                  <td>
                    <BlockButtons ip={r.ip} asn={r.asn} />
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data && data.items.length === 0 ? <p class="muted">{t('noResults')}</p> : null}
    </section>
  );
}

export function Lists() {
  const { t, name, canEdit } = useApp();
  const { data, error, reload } = useLoad(() => api<Page<ListEntry>>('GET', '/lists'), []);
  const [form, setForm] = useState({ list: 'deny', kind: 'ip', value: '', comment: '', expiresAt: '' });
  const [err, setErr] = useState<ApiError | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      setErr(null);
      await api('POST', '/lists', {
        list: form.list,
        kind: form.kind,
        value: form.value,
        ...(form.comment ? { comment: form.comment } : {}),
        ...(form.expiresAt ? { expiresAt: form.expiresAt } : {}),
      });
      setForm({ ...form, value: '', comment: '' });
      reload();
    } catch (x) {
      setErr(x as ApiError);
    }
  };
  const set = (k: string) => (e: Event) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value });
  return (
    <section>
      <header class="page-head">
        <h1>{t('lists')}</h1>
      </header>
      {canEdit ? (
        <form class="card inline-form" id="list-form" onSubmit={submit}>
          <label>
            {t('list')}
            <select name="list" value={form.list} onChange={set('list')}>
              <option value="deny">{t('list_deny')}</option>
              <option value="allow">{t('list_allow')}</option>
            </select>
          </label>
          <label>
            {t('kind')}
            <select name="kind" value={form.kind} onChange={set('kind')}>
              {['ip', 'cidr', 'device', 'user', 'asn', 'country'].map((k) => (
                <option key={k} value={k}>
                  {name('kind', k)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('value')}
            <input
              name="value"
              required
              value={form.value}
              onInput={set('value')}
              placeholder={
                {
                  ip: '203.0.113.7',
                  cidr: '203.0.113.0/24',
                  device: t('deviceIdPlaceholder'),
                  user: t('userIdShort'),
                  asn: 'AS64500',
                  country: 'JP',
                }[form.kind]
              }
            />
          </label>
          <label>
            {t('comment')}
            <input name="comment" value={form.comment} onInput={set('comment')} />
          </label>
          <label>
            {t('expires')}
            {/* typed as the display zone's wall time, in the format every date is shown */}
            <DateTimeInput
              name="expiresAt"
              value={form.expiresAt}
              onChange={(iso) => setForm({ ...form, expiresAt: iso })}
            />
          </label>
          <button class="btn primary" type="submit">
            {t('add')}
          </button>
        </form>
      ) : null}
      <ErrorBox error={err ?? error} />
      <table class="tbl" id="list-table">
        <TableHead cols={['list', 'kind', 'value', 'comment', 'expires', 'created', '']} />
        <tbody>
          {(data?.items ?? []).map((r) => (
            <tr key={r.id} class={r.expired ? 'muted' : ''}>
              <td>
                <span class={`badge ${r.list === 'deny' ? 'd-deny' : 'd-allow'}`}>{name('list', r.list)}</span>
              </td>
              <td>{name('kind', r.kind)}</td>
              <td class="mono">{r.kind === 'user' ? `${r.value.slice(0, 12)}…` : r.value}</td>
              <td>{r.comment ?? ''}</td>
              <td>
                {r.expiresAt ? <Time at={r.expiresAt} /> : t('never')}
                {r.expired ? ` (${t('expired')})` : ''}
              </td>
              <td>
                <Time at={r.createdAt} />
              </td>
              <td>
                {canEdit ? (
                  <button
                    class="btn tiny"
                    onClick={async () => {
                      if (!confirm(t('confirmRemoveEntry'))) return;
                      await api('DELETE', `/lists/${r.id}`);
                      reload();
                    }}
                  >
                    {t('remove')}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The tenant's privacy switch: whether display labels sent with risk calls are stored (admins change it). */
function DisplayLabelsCard() {
  const { t, isAdmin } = useApp();
  const { data, setData } = useLoad(() => api<{ displayLabels: boolean }>('GET', '/settings'), []);
  const [msg, setMsg] = useState('');
  const [err, setErr] = useState<ApiError | null>(null);
  if (!data) return null;
  const save = async (on: boolean) => {
    setErr(null);
    setMsg('');
    try {
      const r = await api<{ displayLabels: boolean; wiped: number }>('PUT', '/settings', { displayLabels: on });
      setData({ displayLabels: r.displayLabels });
      setMsg(r.wiped ? t('labelsWiped', { n: r.wiped }) : t('saved'));
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  return (
    <div class="card" id="display-labels">
      <h2>{t('displayLabels')}</h2>
      <p class="muted small">{t('displayLabelsHelp')}</p>
      <ErrorBox error={err} />
      <label class="inline-check">
        <input
          type="checkbox"
          name="displayLabels"
          checked={data.displayLabels}
          disabled={!isAdmin}
          onChange={(e) => void save((e.target as HTMLInputElement).checked)}
        />
        {t('displayLabelsOn')}
      </label>
      {msg ? <p class="ok">{msg}</p> : null}
    </div>
  );
}

export function Policy() {
  const { t, name, isAdmin, canEdit } = useApp();
  const { data, error } = useLoad(() => api<PolicyAnswer>('GET', '/policy'), []);
  const [p, setP] = useState<PolicyFields | null>(null);
  const [bt, setBt] = useState<Backtest | null>(null);
  const [msg, setMsg] = useState('');
  const [err, setErr] = useState<ApiError | null>(null);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <p class="muted">{t('loading')}</p>;
  const pol = p ?? data.policy;
  const rate = pol.typing?.falseChallengeRate ?? TYPING_FALSE_CHALLENGE_DEFAULT;
  // the range the api accepts (PolicyDto): refused here, before a save or a backtest is sent
  const typingOk = Number.isFinite(rate) && rate >= 0.0001 && rate <= 0.2;
  const upd = (f: (x: PolicyFields) => void) => {
    const c = JSON.parse(JSON.stringify(pol)) as PolicyFields;
    f(c);
    setP(c);
    setMsg('');
  };
  const run = async (f: () => Promise<void>) => {
    try {
      setErr(null);
      await f();
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  return (
    <section>
      <header class="page-head">
        <h1>{t('policy')}</h1>
      </header>
      <ErrorBox error={err} />
      <div class="grid2">
        <div class="card">
          <h2>{t('thresholds')}</h2>
          <label class="row">
            {t('challengeAt')}
            <input
              type="number"
              name="challenge"
              min="1"
              max="100"
              value={pol.thresholds.challenge}
              disabled={!isAdmin && !canEdit}
              onInput={(e) => upd((c) => (c.thresholds.challenge = Number((e.target as HTMLInputElement).value)))}
            />
          </label>
          <label class="row">
            {t('denyAt')}
            <input
              type="number"
              name="deny"
              min="1"
              max="100"
              value={pol.thresholds.deny}
              disabled={!isAdmin && !canEdit}
              onInput={(e) => upd((c) => (c.thresholds.deny = Number((e.target as HTMLInputElement).value)))}
            />
          </label>
          <label class="row">
            {t('fallback')}
            <select
              name="fallback"
              value={pol.fallbackDecision}
              disabled={!isAdmin}
              onChange={(e) =>
                upd(
                  (c) =>
                    (c.fallbackDecision = (e.target as HTMLSelectElement).value as PolicyFields['fallbackDecision']),
                )
              }
            >
              <option value="challenge">{t('challenge')}</option>
              <option value="deny">{t('deny')}</option>
              <option value="allow">{t('allow')}</option>
            </select>
          </label>
          <label class="row check">
            <input
              type="checkbox"
              name="shadow"
              checked={pol.shadowMode}
              disabled={!isAdmin && !canEdit}
              onChange={(e) => upd((c) => (c.shadowMode = (e.target as HTMLInputElement).checked))}
            />
            {t('shadowMode')}
          </label>
          <label class="row">
            {t('typingFalseChallenge')}
            <input
              type="number"
              name="typing-false-challenge"
              min="0.01"
              max="20"
              step="0.1"
              value={percentOf(rate)}
              disabled={!isAdmin}
              onInput={(e) =>
                upd((c) => (c.typing = { falseChallengeRate: Number((e.target as HTMLInputElement).value) / 100 }))
              }
            />
          </label>
          {typingOk ? null : (
            <div class="error" role="alert" id="typing-false-challenge-error">
              {t('typingFalseChallengeRange')}
            </div>
          )}
          <p class="muted small">{t('typingFalseChallengeNote')}</p>
          <h2>{t('eventThresholds')}</h2>
          <table class="tbl event-thresholds">
            <TableHead cols={['event', 'num:challengeAt', 'num:denyAt']} />
            <tbody>
              {LIFECYCLE.map((ev) => (
                <tr key={ev}>
                  <td>{t(`ev_${ev}`)}</td>
                  {(['challenge', 'deny'] as const).map((k) => (
                    <td key={k} class="num">
                      <input
                        type="number"
                        name={`${ev}.${k}`}
                        min="1"
                        max="100"
                        value={pol.events?.[ev]?.[k] ?? pol.thresholds[k]}
                        disabled={!isAdmin && !canEdit}
                        onInput={(e) =>
                          upd((c) => {
                            c.events = { ...c.events, [ev]: { ...c.thresholds, ...c.events?.[ev] } };
                            c.events[ev][k] = Number((e.target as HTMLInputElement).value);
                          })
                        }
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          <h2>{t('detectors')}</h2>
          <div class="detectors">
            {data.detectors.map((d) => (
              <label key={d} class="check">
                <input
                  type="checkbox"
                  checked={pol.detectors[d]}
                  disabled={!isAdmin}
                  onChange={(e) => upd((c) => (c.detectors[d] = (e.target as HTMLInputElement).checked))}
                />
                {name('det', d)}
              </label>
            ))}
          </div>
          <div class="filter-actions">
            {canEdit ? (
              <button
                class="btn"
                id="backtest"
                disabled={!typingOk}
                onClick={() => run(async () => setBt(await api<Backtest>('POST', '/policy/backtest', strip(pol))))}
              >
                {t('backtest')}
              </button>
            ) : null}
            {isAdmin ? (
              <button
                class="btn primary"
                id="save-policy"
                disabled={!typingOk}
                onClick={() =>
                  run(async () => {
                    await api('PUT', '/policy', strip(pol));
                    setMsg(t('saved'));
                  })
                }
              >
                {t('save')}
              </button>
            ) : null}
            {msg ? <span class="ok">{msg}</span> : null}
          </div>
        </div>
        <div class="card">
          <h2>{t('backtest')}</h2>
          <p class="muted small">{t('backtestNote')}</p>
          {bt ? (
            <>
              <p>
                <strong>{t('changedDecisions', { n: bt.changed, t: bt.total })}</strong>
              </p>
              <table class="tbl">
                <TableHead cols={['', 'num:current', 'num:proposed']} />
                <tbody>
                  {DECISIONS.map((d) => (
                    <tr key={d}>
                      <td>
                        <span class={`badge d-${d}`}>{t(d)}</span>
                      </td>
                      <td class="num">{bt.current[d]}</td>
                      <td class="num">{bt.proposed[d]}</td>
                    </tr>
                  ))}
                  <tr>
                    <td>{t('fraudAllowed')}</td>
                    <td class="num">{bt.fraudAllowed.current}</td>
                    <td class="num">{bt.fraudAllowed.proposed}</td>
                  </tr>
                  <tr>
                    <td>{t('legitBlocked')}</td>
                    <td class="num">{bt.legitBlocked.current}</td>
                    <td class="num">{bt.legitBlocked.proposed}</td>
                  </tr>
                </tbody>
              </table>
              {Object.keys(bt.byEvent ?? {}).length ? (
                <>
                  <h3>{t('byEvent')}</h3>
                  <table class="tbl backtest-events">
                    <thead>
                      <tr>
                        <th>{t('event')}</th>
                        {DECISIONS.map((d) => (
                          <th key={d} class="num">
                            {t(d)}
                          </th>
                        ))}
                        <th class="num">{t('changedHeader')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {RISK_EVENTS.map((ev) => {
                        const e = bt.byEvent[ev];
                        if (!e) return null;
                        return (
                          <tr key={ev} data-event={ev}>
                            <td>{t(`ev_${ev}`)}</td>
                            {DECISIONS.map((d) => (
                              <td key={d} class="num">
                                {e.current[d]} → {e.proposed[d]}
                              </td>
                            ))}
                            <td class="num">{t('changedOfTotal', { n: e.changed, t: e.total })}</td>
                          </tr>
                        );
                      })}
                    </tbody>
                  </table>
                </>
              ) : null}
            </>
          ) : null}
        </div>
      </div>
      <DisplayLabelsCard />
    </section>
  );
}

const LIFECYCLE = RISK_EVENTS.filter((e): e is LifecycleEvent => e !== 'login');

function strip(p: PolicyFields): PolicyFields {
  return {
    thresholds: p.thresholds,
    events: p.events,
    fallbackDecision: p.fallbackDecision,
    shadowMode: p.shadowMode,
    detectors: p.detectors,
    bruteForce: p.bruteForce,
    ...(p.typing ? { typing: p.typing } : {}),
  };
}

/** The engine's default (libs/scoring DEFAULT_POLICY.typing), shown for a policy stored before the setting. */
const TYPING_FALSE_CHALLENGE_DEFAULT = 0.01;

/** A rate as the percentage the field shows, without float noise (0.02 → 2, 0.0015 → 0.15). */
function percentOf(rate: number): number {
  return Math.round(rate * 100 * 10000) / 10000;
}

export function Keys() {
  const { t } = useApp();
  const { data, error, reload } = useLoad(() => api<Page<ApiKeyRow>>('GET', '/keys'), []);
  const [shown, setShown] = useState<string | null>(null);
  const [kind, setKind] = useState('secret');
  const [label, setLabel] = useState('');
  const [err, setErr] = useState<ApiError | null>(null);
  const run = async (f: () => Promise<Partial<KeyCreated> | undefined>) => {
    try {
      setErr(null);
      const r = await f();
      if (r?.key) setShown(r.key);
      reload();
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  return (
    <section>
      <header class="page-head">
        <h1>{t('keys')}</h1>
      </header>
      <ErrorBox error={err ?? error} />
      {shown ? (
        <div class="notice">
          <p>{t('keyShownOnce')}</p>
          <code class="secret">{shown}</code>
        </div>
      ) : null}
      <div class="card inline-form">
        <label>
          {t('kind')}
          <select value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value)}>
            <option value="secret">{t('secret')}</option>
            <option value="publishable">{t('publishable')}</option>
          </select>
        </label>
        <label>
          {t('label')}
          <input value={label} onInput={(e) => setLabel((e.target as HTMLInputElement).value)} />
        </label>
        <button
          class="btn primary"
          onClick={() => run(() => api<KeyCreated>('POST', '/keys', { kind, ...(label ? { label } : {}) }))}
        >
          {t('createKey')}
        </button>
      </div>
      <table class="tbl">
        <TableHead cols={['prefix', 'kind', 'label', 'created', 'expires', 'status', '']} />
        <tbody>
          {(data?.items ?? []).map((k) => (
            <tr key={k.id} class={k.active ? '' : 'muted'}>
              <td class="mono">{k.prefix}…</td>
              <td>{t(k.kind === 'secret' ? 'secret' : 'publishable')}</td>
              <td>{k.label ?? ''}</td>
              <td>
                <Time at={k.createdAt} />
              </td>
              <td>{k.expiresAt ? <Time at={k.expiresAt} /> : t('never')}</td>
              <td>{k.revokedAt ? t('revoked') : k.active ? t('active') : t('expired')}</td>
              <td>
                {k.active ? (
                  <span class="actions">
                    <button
                      class="btn tiny"
                      onClick={() => run(() => api<KeyCreated>('POST', `/keys/${k.id}/rotate`, { overlapHours: 24 }))}
                    >
                      {t('rotate')}
                    </button>
                    <button
                      class="btn tiny danger"
                      onClick={() =>
                        confirm(t('confirmRevoke')) && run(() => api<undefined>('POST', `/keys/${k.id}/revoke`, {}))
                      }
                    >
                      {t('revoke')}
                    </button>
                  </span>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Sources />
    </section>
  );
}

/** The web origins and app ids publishable keys are accepted from (PUT replaces both lists). */
function Sources() {
  const { t } = useApp();
  const { data, error, reload } = useLoad(() => api<{ origins: string[]; appIds: string[] }>('GET', '/sources'), []);
  const [origins, setOrigins] = useState<string | null>(null);
  const [appIds, setAppIds] = useState<string | null>(null);
  const [err, setErr] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const lines = (v: string) =>
    v
      .split('\n')
      .map((x) => x.trim())
      .filter(Boolean);
  const save = async () => {
    try {
      setErr(null);
      setSaved(false);
      await api('PUT', '/sources', {
        origins: lines(origins ?? (data?.origins ?? []).join('\n')),
        appIds: lines(appIds ?? (data?.appIds ?? []).join('\n')),
      });
      setOrigins(null);
      setAppIds(null);
      setSaved(true);
      reload();
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  return (
    <div class="card inline-form sources">
      <h2>{t('sources')}</h2>
      <p class="muted">{t('sourcesHelp')}</p>
      <ErrorBox error={err ?? error} />
      <label>
        {t('webOrigins')}
        <textarea
          rows={3}
          value={origins ?? (data?.origins ?? []).join('\n')}
          onInput={(e) => setOrigins((e.target as HTMLTextAreaElement).value)}
        />
      </label>
      <label>
        {t('appIds')}
        <textarea
          rows={3}
          value={appIds ?? (data?.appIds ?? []).join('\n')}
          onInput={(e) => setAppIds((e.target as HTMLTextAreaElement).value)}
        />
      </label>
      <button class="btn primary" onClick={() => void save()}>
        {t('save')}
      </button>
      {saved ? <span class="muted"> {t('saved')}</span> : null}
    </div>
  );
}

export function Team() {
  const { t, name, lang, me } = useApp();
  const { data, error, reload } = useLoad(() => api<Page<TeamMember>>('GET', '/team'), []);
  const { data: audit } = useLoad(() => api<Page<AuditRow>>('GET', '/audit'), [data]);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('analyst');
  const [otp, setOtp] = useState<{ email: string; pw: string } | null>(null);
  const [err, setErr] = useState<ApiError | null>(null);
  const run = async (f: () => Promise<Partial<TeamInvited> | undefined>) => {
    try {
      setErr(null);
      const r = await f();
      if (r?.email && r.oneTimePassword) setOtp({ email: r.email, pw: r.oneTimePassword });
      reload();
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  return (
    <section>
      <header class="page-head">
        <h1>{t('team')}</h1>
      </header>
      <ErrorBox error={err ?? error} />
      {otp ? (
        <div class="notice">
          <p>{t('oneTimePassword', { e: otp.email })}</p>
          <code class="secret">{otp.pw}</code>
        </div>
      ) : null}
      <form
        class="card inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          run(() => api<TeamInvited>('POST', '/team', { email, role }));
        }}
      >
        <label>
          {t('email')}
          <input type="email" required value={email} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          {t('role')}
          <select value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value)}>
            {['admin', 'analyst', 'viewer'].map((r) => (
              <option key={r} value={r}>
                {name('role', r)}
              </option>
            ))}
          </select>
        </label>
        <button class="btn primary" type="submit">
          {t('invite')}
        </button>
      </form>
      <table class="tbl">
        <TableHead cols={['email', 'role', 'twoFactor', 'lastSignIn', '']} />
        <tbody>
          {(data?.items ?? []).map((m) => (
            <tr key={m.id}>
              <td>{m.email}</td>
              <td>
                {m.email === me?.email ? (
                  name('role', m.role)
                ) : (
                  <select
                    value={m.role}
                    onChange={(e) =>
                      run(() =>
                        api<undefined>('PATCH', `/team/${m.id}`, { role: (e.target as HTMLSelectElement).value }),
                      )
                    }
                  >
                    {['admin', 'analyst', 'viewer'].map((r) => (
                      <option key={r} value={r}>
                        {name('role', r)}
                      </option>
                    ))}
                  </select>
                )}
              </td>
              <td>{m.totpEnabled ? t('totpOn') : t('totpOff')}</td>
              <td>
                <Time at={m.lastLoginAt} />
              </td>
              <td>
                {m.email !== me?.email ? (
                  <button
                    class="btn tiny danger"
                    onClick={() => confirm(t('confirmRemove')) && run(() => api<undefined>('DELETE', `/team/${m.id}`))}
                  >
                    {t('remove')}
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="card">
        <h2>{t('audit')}</h2>
        <table class="tbl small">
          <TableHead cols={['time', 'actor', 'action', 'change']} />
          <tbody>
            {(audit?.items ?? []).slice(0, 50).map((e) => (
              <tr key={e.id}>
                <td>
                  <Time at={e.createdAt} />
                </td>
                <td class="wrap">{e.actor}</td>
                <td title={e.action}>{AUDIT_ACTIONS[e.action]?.[lang] ?? e.action}</td>
                <td>
                  <AuditDiff before={e.before} after={e.after} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Nested values as dotted paths: {"thresholds":{"deny":80}} → thresholds.deny = 80. */
function flatten(v: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) out[prefix] = Array.isArray(v) ? v.join(', ') : String(v);
  return out;
}

/** Audit fields the console names in words (the stored path stays in the tooltip). */
const AUDIT_FIELDS: Record<string, Key> = {
  list: 'list',
  kind: 'kind',
  value: 'value',
  comment: 'comment',
  expiresAt: 'expires',
  email: 'email',
  role: 'role',
  label: 'label',
  note: 'note',
  assignee: 'assignee',
  totp: 'twoFactor',
  url: 'whUrl',
  events: 'whEvents',
  description: 'whDescription',
  enabled: 'whEnabled',
  displayLabels: 'displayLabels',
  fallbackDecision: 'fallback',
  shadowMode: 'shadow',
  origins: 'webOrigins',
  appIds: 'appIds',
};

/** An audit entry's change as field: before → after, only the fields that differ (all of them when created). */
function AuditDiff({ before, after }: { before: unknown; after: unknown }) {
  const { t, name, lang } = useApp();
  const b = flatten(before);
  const a = flatten(after);
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].filter((k) => b[k] !== a[k]);
  if (!keys.length) return <span class="muted">—</span>;
  const field = (k: string): string => {
    if (AUDIT_FIELDS[k]) return t(AUDIT_FIELDS[k]);
    if (k === 'typing.falseChallengeRate') return t('typingFalseChallenge');
    const th = k.match(/^thresholds\.(challenge|deny)$/);
    if (th) return `${t('thresholds')} · ${t(th[1] as Key)}`;
    const ev = k.match(/^events\.(\w+)\.(challenge|deny)$/);
    if (ev) return `${t(`ev_${ev[1]}` as Key)} · ${t(ev[2] as Key)}`;
    const det = k.match(/^detectors\.(\w+)$/);
    if (det) return `${t('detectors')} · ${name('det', det[1])}`;
    return k;
  };
  // enum values and flags in words; dates in the display format; anything else as stored
  const value = (k: string, v: string): string => {
    const leaf = k.split('.').pop() ?? k;
    if (v === 'null' || v === 'undefined' || v === '') return '—';
    if (v === 'true' || v === 'false') return t(v === 'true' ? 'yes' : 'no');
    // stored as a rate, labelled and edited as a percentage
    if (k === 'typing.falseChallengeRate' && Number.isFinite(Number(v))) return String(percentOf(Number(v)));
    if (leaf === 'list' || leaf === 'kind' || leaf === 'role') return name(leaf as EnumKind, v);
    if ((leaf === 'label' && (v === 'fraud' || v === 'legit')) || (leaf === 'fallbackDecision' && v in DECISION_KEYS))
      return t(v as Key);
    if (leaf.endsWith('At') && !Number.isNaN(Date.parse(v))) return fmtTime(v, lang);
    return v;
  };
  return (
    <ul class="diff">
      {keys.map((k) => (
        <li key={k}>
          <span class="diff-k" title={k}>
            {field(k)}
          </span>
          : {k in b ? <del>{value(k, b[k])}</del> : null}
          {k in b && k in a ? ' → ' : null}
          {k in a ? <ins>{value(k, a[k])}</ins> : null}
        </li>
      ))}
    </ul>
  );
}

const DECISION_KEYS = { allow: 1, challenge: 1, deny: 1 };

/** IANA zones offered first; any other the browser knows can be typed (validated by the api). */
const COMMON_ZONES = ['Asia/Tokyo', 'UTC', 'Asia/Seoul', 'Asia/Singapore', 'Europe/London', 'America/New_York'];

function TimeZoneCard() {
  const { t, lang, timeZone, setTimeZone } = useApp();
  const [err, setErr] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const browserZones = (Intl as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone') ?? [];
  const zones = [...new Set([...COMMON_ZONES, ...browserZones])];
  const save = async (tz: string | null) => {
    setErr(null);
    setSaved(false);
    try {
      const r = await api<{ timeZone: string | null }>('PUT', '/me/preferences', { timeZone: tz });
      setTimeZone(r.timeZone);
      setSaved(true);
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  const fallback = lang === 'ja' ? 'Asia/Tokyo' : Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  return (
    <div class="card">
      <h2>{t('timeZone')}</h2>
      <ErrorBox error={err} />
      <label class="row">
        {t('timeZone')}
        <select
          name="timeZone"
          value={timeZone ?? ''}
          onChange={(e) => void save((e.target as HTMLSelectElement).value || null)}
        >
          <option value="">{t('timeZoneDefault', { z: fallback })}</option>
          {zones.map((z) => (
            <option key={z} value={z}>
              {z}
            </option>
          ))}
        </select>
      </label>
      {saved ? <p class="ok">{t('saved')}</p> : null}
    </div>
  );
}

export function Settings({ forced }: { forced?: boolean }) {
  const { t, me, setMe } = useApp();
  const [cur, setCur] = useState('');
  const [next, setNext] = useState('');
  const [setup, setSetup] = useState<{ secret: string; otpauthUrl: string } | null>(null);
  const [code, setCode] = useState('');
  const [msg, setMsg] = useState('');
  const [err, setErr] = useState<ApiError | null>(null);
  const run = async (f: () => Promise<void>) => {
    try {
      setErr(null);
      setMsg('');
      await f();
      setMsg(t('saved'));
      setMe(await api<Me>('GET', '/auth/session'));
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  return (
    <section>
      <header class="page-head">
        <h1>{t('settings')}</h1>
      </header>
      {forced ? <div class="notice">{t('mustChange')}</div> : null}
      <ErrorBox error={err} />
      {msg ? <p class="ok">{msg}</p> : null}
      {!forced ? <TimeZoneCard /> : null}
      <div class="grid2">
        <form
          class="card"
          onSubmit={(e) => {
            e.preventDefault();
            run(async () => {
              await api('POST', '/me/password', { currentPassword: cur, newPassword: next });
              setCur('');
              setNext('');
            });
          }}
        >
          <h2>{t('changePassword')}</h2>
          <label class="row">
            {t('currentPassword')}
            <input
              type="password"
              name="current"
              autocomplete="current-password"
              value={cur}
              onInput={(e) => setCur((e.target as HTMLInputElement).value)}
            />
          </label>
          <label class="row">
            {t('newPassword')}
            <input
              type="password"
              name="new"
              autocomplete="new-password"
              minLength={12}
              value={next}
              onInput={(e) => setNext((e.target as HTMLInputElement).value)}
            />
          </label>
          <button class="btn primary" type="submit">
            {t('save')}
          </button>
        </form>
        {!forced ? (
          <div class="card">
            <h2>
              {t('twoFactor')}: {me?.totpEnabled ? t('totpOn') : t('totpOff')}
            </h2>
            {!me?.totpEnabled && !setup ? (
              <button
                class="btn"
                onClick={() => run(async () => setSetup(await api<TotpSetup>('POST', '/me/totp/setup', {})))}
              >
                {t('enable')}
              </button>
            ) : null}
            {setup ? (
              <>
                <p class="small">{t('totpSetupHelp')}</p>
                <code class="secret">{setup.secret}</code>
              </>
            ) : null}
            {setup || me?.totpEnabled ? (
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  run(async () => {
                    await api('POST', me?.totpEnabled ? '/me/totp/disable' : '/me/totp/enable', { code });
                    setSetup(null);
                    setCode('');
                  });
                }}
              >
                <label class="row">
                  {t('totpCode')}
                  <input
                    inputMode="numeric"
                    pattern="[0-9]{6}"
                    value={code}
                    onInput={(e) => setCode((e.target as HTMLInputElement).value)}
                  />
                </label>
                <button class="btn" type="submit">
                  {me?.totpEnabled ? t('disable') : t('enable')}
                </button>
              </form>
            ) : null}
          </div>
        ) : null}
      </div>
    </section>
  );
}
