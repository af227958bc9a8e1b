// Cost of @kizuki/react-native on the JS thread: what each handler adds per event, and building
// a login screen's bundle at collect(), against a floor measured in the same run (JSON.stringify
// of that bundle: the least any SDK pays to send it). Size of the built package (gzip).
//   npx tsx bench/react-native-cost.ts        (npm run build:react-native first for the size)
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { KizukiClient } from '../libs/react-native/src/client';

const ROUNDS = 2000;
let t = 0;
const client = new KizukiClient(
  { publishableKey: 'pk_live_x', endpoint: 'http://127.0.0.1:9', appId: 'jp.example.shop', clock: () => t },
  { OS: 'ios', Version: '17.5' },
  () => ({ width: 390, height: 844, scale: 3 }),
);

/** one login screen: 20 keys in two fields, 300 touch moves in 4 strokes, 3 taps */
function screen() {
  const s = client.session();
  const user = s.field('email', 'username');
  const pass = s.field('password', 'password');
  for (const [f, n] of [
    [user, 12],
    [pass, 8],
  ] as const) {
    f.focus();
    for (let i = 0; i < n; i++) {
      f.keyPress('a', (t += 150));
      f.textLength(i + 1, t + 3);
    }
    f.blur();
  }
  for (let k = 0; k < 4; k++) {
    s.touch.down({ pageX: 100, pageY: 500, force: 0.3 }, (t += 200));
    for (let i = 0; i < 75; i++) s.touch.move({ pageX: 100 + i, pageY: 500 - 3 * i, force: 0.4 }, (t += 16));
  }
  for (let i = 0; i < 3; i++) s.touch.tap('submit', { locationX: 40, locationY: 10 }, { width: 200, height: 44 }, t);
  return s;
}

function timeIt(f: () => void): number {
  const start = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function main() {
  for (let i = 0; i < 200; i++) screen(); // warm-up
  const handlers = timeIt(() => {
    for (let i = 0; i < ROUNDS; i++) screen();
  });
  const events = 20 * 2 + 4 * 76 + 3 + 4; // key presses + text changes, touches, taps, focus/blur
  const sessions = Array.from({ length: ROUNDS }, () => screen());
  // bundle() awaits the device read made at load: timed to the last one resolved
  const started = process.hrtime.bigint();
  const built = await Promise.all(sessions.map((s) => s.bundle()));
  const build = Number(process.hrtime.bigint() - started) / 1e6;
  const floor = timeIt(() => {
    for (const b of built) JSON.stringify(b);
  });
  const bytes = JSON.stringify(built[0]).length;
  console.log(`handlers: ${((1000 * handlers) / ROUNDS / events).toFixed(2)} µs per event (${events} events a screen)`);
  console.log(
    `bundle at collect(): ${((1000 * build) / ROUNDS).toFixed(1)} µs; floor JSON.stringify of it: ` +
      `${((1000 * floor) / ROUNDS).toFixed(1)} µs (ratio ${(build / floor).toFixed(2)}); ${bytes} bytes of JSON`,
  );
  const dist = resolve(__dirname, '../libs/react-native/dist/index.js');
  if (existsSync(dist)) {
    const js = readFileSync(dist);
    console.log(`dist/index.js: ${js.length} bytes, ${gzipSync(js, { level: 9 }).length} bytes gzip`);
  }
}

void main();
