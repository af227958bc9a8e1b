/**
 * Kizuki's own HyperLogLog (the console roll-up's sketches when PostgreSQL has no hll extension):
 * 2,048 one-byte registers (log2m = 11) as kizuki_hll_pack builds them. Merging takes each
 * register's maximum; the estimate is HyperLogLog's with linear counting for small sets, ~2.3 %
 * standard error (1.04 / √2048) like the extension's log2m = 11.
 */
export const HLL_REGISTERS = 2048;

/** Merges `sketch` into `into` (register-wise maximum); a missing sketch changes nothing. */
export function mergeRegisters(into: Uint8Array, sketch: Uint8Array | null | undefined): Uint8Array {
  if (!sketch) return into;
  if (sketch.length !== into.length) {
    throw new Error(`an HLL sketch has ${sketch.length} registers, not ${into.length}`);
  }
  for (let i = 0; i < into.length; i++) if (sketch[i] > into[i]) into[i] = sketch[i];
  return into;
}

/** The estimated number of distinct values the registers saw. */
export function estimateDistinct(registers: Uint8Array): number {
  const m = registers.length;
  let sum = 0;
  let zeros = 0;
  for (const r of registers) {
    sum += 2 ** -r;
    if (r === 0) zeros++;
  }
  const raw = ((0.7213 / (1 + 1.079 / m)) * m * m) / sum;
  // small sets: linear counting on the empty registers is the better estimate
  return Math.round(raw <= 2.5 * m && zeros > 0 ? m * Math.log(m / zeros) : raw);
}

/** Distinct counts per group key of hourly sketches (e.g. per day, per week, for the whole range). */
export function distinctByKey(keys: string[], sketches: (Uint8Array | null)[]): Map<string, number> {
  const merged = new Map<string, Uint8Array>();
  keys.forEach((k, i) => {
    const into = merged.get(k) ?? new Uint8Array(HLL_REGISTERS);
    merged.set(k, mergeRegisters(into, sketches[i]));
  });
  return new Map([...merged].map(([k, r]) => [k, estimateDistinct(r)]));
}
