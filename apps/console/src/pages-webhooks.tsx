import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, qs } from './api';
import { ErrorBox, TableHead, Time, useApp, useLoad } from './app';
import { WEBHOOK_EVENTS, type WebhookEventType } from '@kizuki/contract';
import type { Key } from './i18n';
import type { Page, WebhookCreated, WebhookDelivery, WebhookEndpoint } from './types';

/** Each event an endpoint can subscribe to, with its explanation (a new contract event fails the type check here). */
const EVENT_KEYS: Record<WebhookEventType, Key> = {
  'assessment.challenge': 'evChallenge',
  'assessment.deny': 'evDeny',
  'device.reported': 'evDeviceReported',
  'list.changed': 'evListChanged',
};
const EVENTS = WEBHOOK_EVENTS.map((ev) => [ev, EVENT_KEYS[ev]] as const);

const STATUS: Record<string, [Key, string]> = {
  pending: ['whPending', 's-pending'],
  retrying: ['whRetrying', 's-shared'],
  delivered: ['whDelivered', 's-trusted'],
  failed: ['whFailed', 's-fraud'],
  refused: ['whRefusedStatus', 's-fraud'],
};

/** Webhook endpoints (admin only: the nav hides it, the API answers 403 to others) and their delivery log. */
export function Webhooks() {
  const { t } = useApp();
  const { data, error, reload } = useLoad(() => api<Page<WebhookEndpoint>>('GET', '/webhooks'), []);
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<string[]>([
    'assessment.challenge',
    'assessment.deny',
  ] satisfies WebhookEventType[]);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const [err, setErr] = useState<ApiError | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const items = data?.items ?? [];
  const current = items.find((e) => e.id === selected) ?? items[0] ?? null;

  const run = async (f: () => Promise<unknown>) => {
    try {
      setErr(null);
      await f();
      reload();
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  const submit = (e: Event) => {
    e.preventDefault();
    if (!events.length) {
      setErr(new ApiError(400, 'VALIDATION', t('whPickEvent')));
      return;
    }
    run(async () => {
      const r = await api<WebhookCreated>('POST', '/webhooks', {
        url,
        events,
        ...(description ? { description } : {}),
      });
      setSecret({ url: r.item.url, secret: r.secret });
      setSelected(r.item.id);
      setUrl('');
      setDescription('');
    });
  };
  const toggle = (ev: string) => setEvents(events.includes(ev) ? events.filter((x) => x !== ev) : [...events, ev]);

  return (
    <section>
      <header class="page-head">
        <h1>{t('webhooks')}</h1>
      </header>
      <WebhookError error={err ?? error} />
      {secret ? (
        <div class="notice" id="webhook-secret">
          <p>{t('whSecretShownOnce', { url: secret.url })}</p>
          <code class="secret">{secret.secret}</code>
        </div>
      ) : null}
      <form class="card" id="webhook-form" onSubmit={submit}>
        <h2>{t('whAdd')}</h2>
        <div class="inline-form">
          <label class="wh-url">
            {t('whUrl')}
            <input
              type="url"
              name="url"
              required
              maxLength={2048}
              placeholder="https://example.com/hooks/kizuki"
              value={url}
              onInput={(e) => setUrl((e.target as HTMLInputElement).value)}
            />
          </label>
          <label class="wh-desc">
            {t('whDescription')}
            <input
              name="description"
              maxLength={200}
              value={description}
              onInput={(e) => setDescription((e.target as HTMLInputElement).value)}
            />
          </label>
        </div>
        <fieldset class="wh-events">
          <legend class="small muted">{t('whEvents')}</legend>
          {EVENTS.map(([ev, k]) => (
            <label key={ev} class="check">
              <input
                type="checkbox"
                name="events"
                value={ev}
                checked={events.includes(ev)}
                onChange={() => toggle(ev)}
              />
              <span class="code">{ev}</span> <span class="small muted">{t(k)}</span>
            </label>
          ))}
        </fieldset>
        <button class="btn primary" type="submit">
          {t('whAdd')}
        </button>
      </form>
      <table class="tbl" id="webhook-table">
        <TableHead cols={['whUrl', 'whEvents', 'status', 'created', '']} />
        <tbody>
          {items.map((e) => (
            <tr key={e.id} data-id={e.id} class={e.enabled ? '' : 'muted'}>
              <td>
                <span class="mono">{e.url}</span>
                {e.description ? <div class="small muted">{e.description}</div> : null}
                <div class="small muted mono">{e.secretPrefix}…</div>
              </td>
              <td class="codes">
                {e.events.map((x: string) => (
                  <span key={x} class="code">
                    {x}
                  </span>
                ))}
              </td>
              <td>
                <span class={`badge ${e.enabled ? 's-trusted' : ''}`}>
                  {e.enabled ? t('whEnabled') : t('whDisabled')}
                </span>
              </td>
              <td>
                <Time at={e.createdAt} />
              </td>
              <td>
                <span class="actions">
                  <button class="btn tiny show-deliveries" onClick={() => setSelected(e.id)}>
                    {t('whDeliveries')}
                  </button>
                  <button
                    class="btn tiny toggle"
                    onClick={() => run(() => api('PATCH', `/webhooks/${e.id}`, { enabled: !e.enabled }))}
                  >
                    {e.enabled ? t('disable') : t('enable')}
                  </button>
                  <button
                    class="btn tiny danger delete"
                    onClick={() =>
                      confirm(t('whConfirmDelete', { url: e.url })) &&
                      run(async () => {
                        await api('DELETE', `/webhooks/${e.id}`);
                        if (secret?.url === e.url) setSecret(null);
                      })
                    }
                  >
                    {t('remove')}
                  </button>
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {data && items.length === 0 ? <p class="muted">{t('whNone')}</p> : null}
      {current ? <Deliveries key={current.id} endpoint={current} /> : null}
    </section>
  );
}

/** A refused target (SSRF check) in words; other errors as usual. */
function WebhookError({ error }: { error: ApiError | null }) {
  const { t } = useApp();
  if (error?.code === 'WEBHOOK_TARGET_REFUSED') {
    const details = error.details as { problems?: string[] }[] | undefined;
    const reason = details?.[0]?.problems?.[0] ?? error.message;
    return (
      <div class="error" role="alert" id="webhook-refused">
        <strong>{t('whRefused')}</strong> {t('whRefusedHelp')} <span class="mono small">({reason})</span>
      </div>
    );
  }
  return <ErrorBox error={error} />;
}

/** The latest deliveries of one endpoint, refreshed every 5 s while shown. */
function Deliveries({ endpoint }: { endpoint: { id: string; url: string } }) {
  const { t } = useApp();
  const { data, error, reload } = useLoad(
    () => api<Page<WebhookDelivery>>('GET', `/webhooks/deliveries${qs({ endpoint: endpoint.id })}`),
    [endpoint.id],
  );
  useEffect(() => {
    const timer = setInterval(() => document.visibilityState === 'visible' && reload(), 5000);
    return () => clearInterval(timer);
  }, [endpoint.id]);
  const rows = data?.items ?? [];
  return (
    <div class="card" id="webhook-deliveries">
      <div class="page-head">
        <h2>
          {t('whDeliveryLog')} <span class="mono small muted">{endpoint.url}</span>
        </h2>
        <button class="btn tiny" id="refresh-deliveries" onClick={reload}>
          {t('whRefresh')}
        </button>
      </div>
      <ErrorBox error={error} />
      <table class="tbl small">
        <TableHead
          cols={['time', 'whEvent', 'status', 'num:whAttempts', 'num:whResponse', 'whLastError', 'whDeliveryId']}
        />
        <tbody>
          {rows.map((d) => {
            const [k, cls] = STATUS[d.status] ?? ['whPending', ''];
            return (
              <tr key={d.id} data-id={d.id} data-status={d.status}>
                <td>
                  <Time at={d.createdAt} />
                </td>
                <td>
                  <span class="code">{d.event}</span>
                </td>
                <td>
                  <span class={`badge ${cls}`}>{t(k)}</span>
                  {d.deliveredAt ? (
                    <div class="small muted">
                      <Time at={d.deliveredAt} />
                    </div>
                  ) : null}
                </td>
                <td class="num">{d.attempts}</td>
                <td class="num mono">{d.lastStatusCode ?? '—'}</td>
                <td class="small muted">{d.lastError ?? ''}</td>
                <td class="mono small">{d.id.slice(0, 8)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {data && rows.length === 0 ? <p class="muted">{t('whNoDeliveries')}</p> : null}
    </div>
  );
}
