// Rates per scenario, goals, and the table (console and docs/detection-report.md).
import type { LoginRecord } from './harness';
import { SCENARIOS, type ScenarioKey } from './scenarios';
import { wilson } from '../wilson';

export { wilson };

export interface Row {
  key: ScenarioKey;
  title: string;
  goal: string;
  n: number;
  allow: number;
  challenge: number;
  deny: number;
  errors: number;
  /** answered with the fallback decision because scoring failed or timed out (not in the rates) */
  degraded: number;
  /** the measured rate for the goal (0..1), null without logins */
  rate: number | null;
  /** its 95 % Wilson interval; the goal is judged by the lower bound */
  interval: [number, number] | null;
  pass: boolean | null;
  note: string;
  /** most frequent reason codes, with counts */
  reasons: string;
  /** mean score and mean per-detector scores */
  meanScore: number | null;
}

const pct = (x: number, n: number) => (n ? `${((100 * x) / n).toFixed(1)}%` : '—');

/** Every login of a person (not an attacker's tool): owners, travellers, office users, enrolment, intruders. */
/** Every login of a person (row 13): thieves are people too, and so are the lifecycle's recordings. */
export const PEOPLE_SCENARIOS = [
  'enrol',
  'office-enrol',
  'owner',
  'travel',
  'office',
  'pm',
  'sameDevice',
  'takeover',
  'lifecycle-person',
  'signup',
  'reset',
  'cashout-login',
];
const isBot = (code: string) => code.startsWith('BOT_');

export function summarise(log: readonly LoginRecord[]): Row[] {
  return SCENARIOS.map((s) => {
    const all = log.filter((r) => (s.key === 'people' ? PEOPLE_SCENARIOS.includes(r.scenario) : r.scenario === s.key));
    const degraded = all.filter((r) => r.degraded).length;
    const errors = all.filter((r) => r.decision === 'error').length;
    // rates over the logins Kizuki actually scored
    const rs = all.filter((r) => !r.degraded && r.decision !== 'error');
    const n = rs.length;
    const c = (d: string) => rs.filter((r) => r.decision === d).length;
    const allow = c('allow');
    const challenge = c('challenge');
    const deny = c('deny');
    let rate: number | null = null;
    let interval: [number, number] | null = null;
    let note = '';
    let pass: boolean | null = null;
    if (n) {
      const botReason = rs.filter((r) => r.reasons.some(isBot)).length;
      const hits =
        s.measure === 'allow'
          ? allow
          : s.measure === 'notDeny'
            ? allow + challenge
            : s.measure === 'botReason'
              ? botReason
              : s.measure === 'noBot'
                ? n - botReason
                : challenge + deny;
      rate = hits / n;
      interval = wilson(hits, n);
      if (s.measure === 'stuffing') {
        const first = rs.findIndex((r) => r.decision === 'challenge' || r.decision === 'deny');
        const rest = rs.slice(50);
        const flaggedRest = rest.filter((r) => r.decision === 'challenge' || r.decision === 'deny').length;
        rate = rest.length ? flaggedRest / rest.length : null;
        interval = rest.length ? wilson(flaggedRest, rest.length) : null;
        note = `first flagged: attempt #${first + 1 || '—'}; after #50: ${flaggedRest}/${rest.length}`;
        pass = first >= 0 && first < 50 && (interval?.[0] ?? 0) >= s.min;
      } else {
        pass = (interval?.[0] ?? 0) >= s.min;
      }
      if (s.key === 'travel' && deny > 0) note = `${deny} denied`;
      if (s.key === 'cashout') note = cashoutNote(log, rs);
      if (s.measure === 'noBot') {
        // replays resend a browser session's recorded automation signals: count the sessions too
        const sessions = rs.filter((r) => !r.replay);
        const clean = sessions.filter((r) => !r.reasons.some(isBot)).length;
        const [lo] = wilson(clean, sessions.length);
        note = `browser sessions: ${clean}/${sessions.length} without (lower bound ${(100 * lo).toFixed(1)}%)`;
      }
    } else if (all.length) {
      pass = false;
      note = 'no login was scored';
    }
    const codes = new Map<string, number>();
    for (const r of rs) for (const code of r.reasons) codes.set(code, (codes.get(code) ?? 0) + 1);
    const reasons = [...codes.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 6)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    const scored = rs.filter((r) => typeof r.score === 'number');
    const meanScore = scored.length ? scored.reduce((t, r) => t + (r.score as number), 0) / scored.length : null;
    return {
      key: s.key,
      title: s.title,
      goal: s.goal,
      n,
      allow,
      challenge,
      deny,
      errors,
      degraded,
      rate,
      interval,
      pass,
      note,
      reasons,
      meanScore,
    };
  });
}

export function table(rows: readonly Row[]): string {
  const head = [
    'scenario',
    'scored logins',
    'allow',
    'challenge',
    'deny',
    'goal',
    'measured [95 % Wilson interval]',
    'result (lower bound ≥ goal)',
  ];
  const body = rows.map((r) => [
    r.title,
    String(r.n),
    `${r.allow} (${pct(r.allow, r.n)})`,
    `${r.challenge} (${pct(r.challenge, r.n)})`,
    `${r.deny} (${pct(r.deny, r.n)})`,
    r.goal,
    (r.rate === null ? '—' : `${(100 * r.rate).toFixed(1)}%`) +
      (r.interval ? ` [${(100 * r.interval[0]).toFixed(1)}–${(100 * r.interval[1]).toFixed(1)}%]` : '') +
      (r.errors ? ` (+${r.errors} errors)` : '') +
      (r.degraded ? ` (+${r.degraded} degraded)` : '') +
      (r.note ? `; ${r.note}` : ''),
    r.pass === null ? 'skipped' : r.pass ? 'PASS' : 'FAIL',
  ]);
  return [head, head.map(() => '---'), ...body].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

export function reasonsTable(rows: readonly Row[]): string {
  const body = rows
    .filter((r) => r.n)
    .map((r) => `| ${r.title} | ${r.meanScore === null ? '—' : r.meanScore.toFixed(0)} | ${r.reasons || '—'} |`);
  return ['| scenario | mean score | reason codes (logins carrying each) |', '| --- | --- | --- |', ...body].join('\n');
}

/**
 * Scenario 16 per case: the change after the takeover login against the login alone and the same
 * change without the login (the control shop). A score of 100 cannot rise: ties at 100 are counted apart.
 */
export function cashoutNote(log: readonly LoginRecord[], changes: readonly LoginRecord[]): string {
  const byCase = (scenario: string) =>
    new Map(log.filter((r) => r.scenario === scenario && r.case).map((r) => [r.case as string, r]));
  const logins = byCase('cashout-login');
  const controls = byCase('cashout-control');
  const cases = changes.filter((r) => r.case && logins.has(r.case) && controls.has(r.case));
  if (!cases.length) return '';
  const score = (r: LoginRecord | undefined) => r?.score ?? 0;
  const above = (r: LoginRecord, alone: LoginRecord | undefined) => score(r) > score(alone);
  const capped = (r: LoginRecord, alone: LoginRecord | undefined) => score(r) === 100 && score(alone) === 100;
  const n = cases.length;
  const overLogin = cases.filter((r) => above(r, logins.get(r.case!))).length;
  const tiedLogin = cases.filter((r) => capped(r, logins.get(r.case!))).length;
  const overControl = cases.filter((r) => above(r, controls.get(r.case!))).length;
  const overBoth = cases.filter((r) => above(r, logins.get(r.case!)) && above(r, controls.get(r.case!))).length;
  const carried = cases.filter((r) => r.reasons.includes('TAKEOVER_CASHOUT')).length;
  const mean = (rs: (LoginRecord | undefined)[]) => (rs.reduce((t, r) => t + score(r), 0) / rs.length).toFixed(0);
  const flagged = (rs: (LoginRecord | undefined)[]) => rs.filter((r) => r && r.decision !== 'allow').length;
  const ls = cases.map((r) => logins.get(r.case!));
  const cs = cases.map((r) => controls.get(r.case!));
  return (
    `per case (${n}): above both alone ${overBoth}/${n}; above the login alone ${overLogin}/${n}` +
    (tiedLogin ? ` (+${tiedLogin} both at 100)` : '') +
    `, above the change alone ${overControl}/${n}; TAKEOVER_CASHOUT on ${carried}/${n}; ` +
    `mean score login alone ${mean(ls)} (${flagged(ls)} flagged), change alone ${mean(cs)} (${flagged(cs)} flagged), ` +
    `change after the login ${mean(cases)}`
  );
}
