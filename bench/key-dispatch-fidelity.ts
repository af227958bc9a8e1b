// How faithfully a CDP-dispatched CMU repetition reaches the page, as the SDK records it (keydown/keyup
// `event.timeStamp`, libs/sdk/src/util.ts), on this host and with extra CPU load (busy loops).
//   npx tsx bench/key-dispatch-fidelity.ts [--reps 40] [--busy 4]
// For each condition (quiet/loaded × plain dispatch/stamped with CDP `timestamp`), the password of
// --reps CMU repetitions is typed into a plain field; per key, the recorded hold (up − down) and
// flight (next down − up) are compared with the CMU ones. Prints the median and 95th percentile of
// the absolute error (ms), the share of keys off by more than 10 ms, and the load average.
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { launchChromium } from '../fixtures/browser';
import { cmuAvailable, dispatchKeyEvents, keyEventsOf, readCmuReps, type CmuRep } from '../fixtures/human-input';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}

const PAGE = `<!doctype html><input id="f" autocomplete="off"><script>
window.rec = [];
const f = document.getElementById('f');
for (const type of ['keydown', 'keyup']) f.addEventListener(type, (e) => {
  if (e.key !== 'Shift') window.rec.push({ type, key: e.key, t: e.timeStamp });
});
f.addEventListener('keydown', (e) => { if (e.key === 'Enter') e.preventDefault(); });
</script>`;

interface Errors {
  hold: number[];
  flight: number[];
}

/** Recorded keydown/keyup pairs → hold and flight per key, compared with the repetition's. */
function compare(rep: CmuRep, rec: { type: string; key: string; t: number }[], into: Errors): void {
  const downs = rec.filter((r) => r.type === 'keydown');
  const used = new Set<number>();
  const keys = downs.map((d) => {
    const i = rec.findIndex((r, j) => !used.has(j) && r.type === 'keyup' && r.key === d.key && r.t >= d.t);
    used.add(i);
    return { down: d.t, up: i >= 0 ? rec[i].t : d.t };
  });
  if (keys.length !== rep.keys.length) throw new Error(`recorded ${keys.length} keys, planned ${rep.keys.length}`);
  rep.keys.forEach((k, i) => {
    into.hold.push(Math.abs(keys[i].up - keys[i].down - (k.up - k.down)));
    if (i > 0) into.flight.push(Math.abs(keys[i].down - keys[i - 1].up - (k.down - rep.keys[i - 1].up)));
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
};

async function main(): Promise<void> {
  if (!cmuAvailable()) {
    console.log('key-dispatch-fidelity: CMU keystroke data absent (KIZUKI_CMU_CSV); nothing to measure.');
    return;
  }
  const nReps = arg('reps', 40);
  const busy = arg('busy', 4);
  const cmu = readCmuReps();
  const reps = [...cmu.values()].flatMap((r) => r.slice(200, 201 + Math.ceil(nReps / cmu.size))).slice(0, nReps);
  const server = createServer((_q, r) => r.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const browser = await launchChromium();
  const loops: ChildProcess[] = [];
  console.log(
    '| condition | dispatch | keys | hold error median / p95 (ms) | flight error median / p95 (ms) | ' +
      'keys off > 10 ms | load average |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  try {
    for (const loaded of [false, true]) {
      if (loaded)
        for (let i = 0; i < busy; i++) loops.push(spawn(process.execPath, ['-e', 'for(;;){}'], { stdio: 'ignore' }));
      for (const stamp of [false, true]) {
        const err: Errors = { hold: [], flight: [] };
        const page = await browser.newPage();
        await page.goto(url);
        const cdp = await page.context().newCDPSession(page);
        for (const rep of reps) {
          // (page code as strings: this file is compiled without the DOM library)
          await page.evaluate(`window.rec = []; const f = document.getElementById('f'); f.value = ''; f.focus();`);
          await dispatchKeyEvents(cdp, keyEventsOf(rep.keys), { stamp });
          await page.waitForFunction(`window.rec.length >= ${2 * rep.keys.length}`);
          compare(rep, (await page.evaluate('window.rec')) as { type: string; key: string; t: number }[], err);
        }
        await page.close();
        const off = [...err.hold, ...err.flight].filter((e) => e > 10).length;
        const all = err.hold.length + err.flight.length;
        console.log(
          `| ${loaded ? `+${busy} busy loops` : 'as is'} | ${stamp ? 'stamped (CDP timestamp)' : 'plain'} | ` +
            `${err.hold.length} | ${pct(err.hold, 0.5).toFixed(1)} / ${pct(err.hold, 0.95).toFixed(1)} | ` +
            `${pct(err.flight, 0.5).toFixed(1)} / ${pct(err.flight, 0.95).toFixed(1)} | ` +
            `${((100 * off) / all).toFixed(1)} % | ${loadavg()[0].toFixed(1)} |`,
        );
      }
    }
  } finally {
    for (const l of loops) l.kill();
    await browser.close();
    server.close();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
