// Summarises V8 CPU profiles (.cpuprofile, e.g. from KIZUKI_BENCH_CPU_PROF, see cpu-prof.js): per file, the
// self time by package and by function, and the inclusive time of Kizuki's own functions (webpack bundles
// them into dist/apps/<app>/main.js, so they are named by function and line there). Idle time is left out.
// `--callers <regexp>`: where the matching functions are called from (two frames up).
//   npx tsx bench/lib/cpu-prof-summary.ts [--top 25] [--callers 'deprecate'] file.cpuprofile…
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** node_modules/<pkg> (scoped too), node:<module>, kizuki's bundle, or V8's pseudo-frames. */
export function packageOf(f: CallFrame): string {
  const url = f.url;
  if (!url) return f.functionName.startsWith('(') ? f.functionName : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').split('/')[0];
  const app = /dist\/apps\/([^/]+)\//.exec(url);
  if (app) return `kizuki (${app[1]})`;
  return url.startsWith('file://') ? url.slice(7) : url;
}

const fnName = (f: CallFrame) => {
  const pkg = packageOf(f);
  if (!f.url) return pkg;
  return `${f.functionName || '(anonymous)'} ${pkg}:${f.lineNumber + 1}`;
};

export function summarise(p: Profile, top: number, callersOf?: RegExp): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // each sample's weight is the time to the next sample (the last one: the mean)
  const weights = p.samples.map((_, i) =>
    i + 1 < p.timeDeltas.length ? p.timeDeltas[i + 1] : (p.endTime - p.startTime) / p.samples.length,
  );
  const self = new Map<string, number>();
  const pkg = new Map<string, number>();
  const inclusive = new Map<string, number>();
  // V8's builtins and C++ (JSON, crypto, regular expressions…) have no script: named by their JS caller
  const native = new Map<string, number>();
  const callers = new Map<string, number>();
  let busy = 0;
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  p.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    if (node.callFrame.functionName === '(idle)') return;
    const w = weights[i];
    busy += w;
    add(self, fnName(node.callFrame), w);
    add(pkg, packageOf(node.callFrame), w);
    const up = (n: ProfileNode) => byId.get(parent.get(n.id) ?? -1);
    if (packageOf(node.callFrame) === '(native)') {
      const caller = up(node);
      add(native, `${node.callFrame.functionName || '?'} ← ${caller ? fnName(caller.callFrame) : '?'}`, w);
    }
    if (callersOf) {
      // the stack from the first matching frame up: its caller, and its caller's caller
      for (let n: ProfileNode | undefined = node; n; n = up(n)) {
        if (!callersOf.test(fnName(n.callFrame))) continue;
        const c1 = up(n);
        const c2 = c1 && up(c1);
        add(
          callers,
          `${fnName(n.callFrame)} ← ${c1 ? fnName(c1.callFrame) : '?'} ← ${c2 ? fnName(c2.callFrame) : '?'}`,
          w,
        );
        break;
      }
    }
    // inclusive: once per function on the stack (recursion counted once)
    const seen = new Set<string>();
    for (let n: ProfileNode | undefined = node; n; n = byId.get(parent.get(n.id) ?? -1)) {
      if (!n.callFrame.url.includes('dist/apps/')) continue;
      const k = fnName(n.callFrame);
      if (seen.has(k)) continue;
      add(inclusive, k, w);
      seen.add(k);
    }
  });
  const wall = (p.endTime - p.startTime) / 1e3;
  const table = (title: string, m: Map<string, number>) => {
    const rows = [...m].sort((a, b) => b[1] - a[1]).slice(0, top);
    return [
      `  ${title}`,
      ...rows.map(
        ([k, v]) => `    ${(v / 1e3).toFixed(0).padStart(7)} ms ${((100 * v) / busy).toFixed(1).padStart(5)} %  ${k}`,
      ),
    ].join('\n');
  };
  return [
    `  busy ${(busy / 1e3).toFixed(0)} ms of ${wall.toFixed(0)} ms profiled`,
    table('self time by package', pkg),
    table('self time by function', self),
    table('native self time, by JS caller', native),
    table("inclusive time of Kizuki's own functions", inclusive),
    ...(callersOf ? [table(`inclusive time of ${callersOf.source}, by its callers`, callers)] : []),
  ].join('\n');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const t = args.indexOf('--top');
  const top = t >= 0 ? Number(args.splice(t, 2)[1]) : 25;
  const c = args.indexOf('--callers');
  const callersOf = c >= 0 ? new RegExp(args.splice(c, 2)[1]) : undefined;
  for (const file of args) {
    console.log(`\n${basename(file)}`);
    console.log(summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, top, callersOf));
  }
}
