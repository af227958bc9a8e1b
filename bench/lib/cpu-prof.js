// Preloaded (node -r) into the api and worker when KIZUKI_BENCH_CPU_PROF=<dir> is set (stack.ts): a CPU
// profile of the measured window only. The profiler runs while <dir>/.window exists (bench/lib/cost.ts
// creates it when the window opens and removes it when it closes), so start-up and enrolment stay out;
// then <dir>/<app>-<RISK_SCORING>-<pid>.cpuprofile is written. `--cpu-prof` cannot do this: it covers
// the whole life and writes nothing when Nest's shutdown hook re-raises SIGTERM.
const { existsSync, writeFileSync } = require('node:fs');
const { Session } = require('node:inspector');
const { basename, dirname, join } = require('node:path');

const dir = process.env.KIZUKI_BENCH_CPU_PROF;
if (dir) {
  const app = basename(dirname(process.argv[1] ?? 'node'));
  const file = join(dir, `${app}-${process.env.RISK_SCORING ?? 'worker'}-${process.pid}.cpuprofile`);
  const marker = join(dir, '.window');
  const session = new Session();
  session.connect();
  let running = false;
  // the inspector session of this thread answers synchronously, so a stop can write before exit
  const stop = () => {
    if (!running) return;
    running = false;
    session.post('Profiler.stop', (err, res) => {
      if (!err) writeFileSync(file, JSON.stringify(res.profile));
    });
  };
  setInterval(() => {
    const open = existsSync(marker);
    if (open && !running) {
      running = true;
      session.post('Profiler.enable', () => session.post('Profiler.start'));
    } else if (!open && running) stop();
  }, 200).unref();
  process.prependListener('SIGTERM', stop);
}
