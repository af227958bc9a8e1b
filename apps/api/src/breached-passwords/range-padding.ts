import { randomBytes } from 'node:crypto';

/** Counts are zero-padded to this width: every line of every answer is the same length. */
export const COUNT_WIDTH = 10;
/** Fewest lines in an answer; the target is the corpus's largest range rounded up to this step. */
export const PAD_STEP = 100;

/** Lines every answer has for a corpus whose largest range holds maxRange hashes. */
export function paddedLines(maxRange: number): number {
  return Math.max(PAD_STEP, Math.ceil(maxRange / PAD_STEP) * PAD_STEP);
}

/**
 * A range answer in the Pwned Passwords format ("SUFFIX:COUNT" lines, CRLF, sorted by suffix),
 * padded like HIBP's Add-Padding with random suffixes of count 0, so that every answer of a corpus
 * has the same number of lines and, counts being zero-padded, the same number of bytes: its size
 * says nothing of the prefix asked. Clients ignore count-0 lines (parseInt reads the padded counts).
 */
export function paddedRange(body: string, maxRange: number, random: (n: number) => Buffer = randomBytes): string {
  const lines = new Map<string, string>();
  if (body) {
    for (const line of body.split('\n')) {
      const colon = line.indexOf(':');
      lines.set(line.slice(0, colon), line.slice(colon + 1).padStart(COUNT_WIDTH, '0'));
    }
  }
  const target = paddedLines(Math.max(maxRange, lines.size));
  const zero = '0'.repeat(COUNT_WIDTH);
  while (lines.size < target) {
    const need = target - lines.size;
    const bytes = random(18 * need).toString('hex');
    for (let i = 0; i < need; i++) {
      const suffix = bytes.slice(36 * i, 36 * i + 35).toUpperCase();
      if (!lines.has(suffix)) lines.set(suffix, zero);
    }
  }
  return [...lines.keys()]
    .sort()
    .map((s) => `${s}:${lines.get(s)}`)
    .join('\r\n');
}
