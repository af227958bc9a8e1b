import { useState } from 'preact/hooks';
import { api, ApiError, qs } from './api';
import { Decision, ErrorBox, LabelButtons, Link, TableHead, Time, useApp, useLoad, UserLabel } from './app';
import { ReasonChips } from './pages-main';
import type { LoginRow, Page } from './types';

/**
 * The review queue: logins the policy challenged or denied (shadow mode included) that nobody has
 * labelled. An analyst takes one (assign to me), labels it, or leaves a note for the next shift.
 */
export function Review() {
  const { t, lang, canEdit } = useApp();
  const [mine, setMine] = useState(false);
  const [err, setErr] = useState<ApiError | null>(null);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const { data, error, reload } = useLoad(
    () => api<Page<LoginRow>>('GET', `/logins${qs({ review: '1', assignee: mine ? 'me' : undefined, limit: 100 })}`),
    [mine],
  );
  const act = async (fn: () => Promise<unknown>) => {
    setErr(null);
    try {
      await fn();
      reload();
    } catch (e) {
      setErr(e as ApiError);
    }
  };
  const label = (id: string, l: 'fraud' | 'legit') => {
    void act(() => api('POST', `/logins/${id}/label`, { label: l }));
  };
  const review = (id: string, body: Record<string, unknown>) =>
    void act(() => api('POST', `/logins/${id}/review`, body));
  const items = data?.items ?? [];
  return (
    <section>
      <header class="page-head">
        <h1>{t('review')}</h1>
        <label class="inline-check">
          <input
            type="checkbox"
            name="mine"
            checked={mine}
            onChange={(e) => setMine((e.target as HTMLInputElement).checked)}
          />
          {t('onlyMine')}
        </label>
      </header>
      <p class="muted">{t('reviewHelp')}</p>
      <ErrorBox error={error ?? err} />
      {data && items.length === 0 ? <p class="muted">{t('reviewEmpty')}</p> : null}
      {items.length ? (
        <div class="tbl-wrap">
          <table class="tbl review">
            <TableHead cols={['time', 'decision', 'num:score', 'reasons', 'user', 'assignee', 'note', 'label']} />
            <tbody>
              {items.map((x) => (
                <tr key={x.id} data-id={x.id}>
                  <td>
                    <Link href={`/logins/${x.id}`}>
                      <Time at={x.createdAt} />
                    </Link>
                  </td>
                  <td>
                    <Decision d={x.shadow ? x.policyDecision : x.decision} shadow={x.shadow} />
                  </td>
                  <td class="num">{x.score}</td>
                  <td class="codes">
                    <ReasonChips codes={x.reasons} lang={lang} />
                  </td>
                  <td>
                    <Link href={`/accounts/${x.account.id}`}>
                      <UserLabel account={x.account} />
                    </Link>
                  </td>
                  <td>
                    <span class="assignee">{x.review.assignee?.email ?? t('unassigned')}</span>
                    {canEdit ? (
                      x.review.assignee ? (
                        <button class="btn tiny" onClick={() => review(x.id, { assign: 'none' })}>
                          {t('unassign')}
                        </button>
                      ) : (
                        <button class="btn tiny assign-me" onClick={() => review(x.id, { assign: 'me' })}>
                          {t('assignToMe')}
                        </button>
                      )
                    ) : null}
                  </td>
                  <td>
                    {canEdit ? (
                      <form
                        class="note-form"
                        onSubmit={(e) => {
                          e.preventDefault();
                          review(x.id, { note: notes[x.id] ?? x.review.note ?? '' });
                        }}
                      >
                        <input
                          name="note"
                          maxLength={2000}
                          aria-label={t('note')}
                          value={notes[x.id] ?? x.review.note ?? ''}
                          onInput={(e) => setNotes({ ...notes, [x.id]: (e.target as HTMLInputElement).value })}
                        />
                        <button class="btn tiny" type="submit">
                          {t('saveNote')}
                        </button>
                      </form>
                    ) : (
                      (x.review.note ?? '—')
                    )}
                  </td>
                  <td>{canEdit ? <LabelButtons onLabel={(l) => label(x.id, l)} /> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
