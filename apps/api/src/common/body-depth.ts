import type { FastifyInstance } from 'fastify';

/** No request body of the API nests deeper than this (an SDK bundle: 5 levels). */
export const MAX_BODY_DEPTH = 32;

/**
 * Strings PostgreSQL cannot store (text and jsonb refuse U+0000; jsonb refuses lone surrogates):
 * accepted, they would turn into a job that fails forever — a 202 whose signals are never stored.
 */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export function hasUnstorableString(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (UNSTORABLE.test(v)) return true;
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        if (UNSTORABLE.test(k)) return true;
        stack.push(child);
      }
    }
  }
  return false;
}

/** Nesting depth of a parsed JSON value, measured without recursion (a hostile body may be 100,000 levels deep). */
export function jsonDepth(value: unknown, limit = Infinity): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) max = d;
    if (max > limit) return max;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
  }
  return max;
}

/**
 * Refuses over-deep JSON bodies, and strings PostgreSQL cannot store, with 400 right after parsing, before validation: the validator and
 * transformer walk bodies recursively, so a 3,000-level array would otherwise exhaust the stack (500).
 */
export function installBodyDepthLimit(fastify: FastifyInstance, maxDepth = MAX_BODY_DEPTH): void {
  fastify.addHook('preValidation', async (req, reply) => {
    if (req.body === undefined || req.body === null || typeof req.body !== 'object') return;
    if (jsonDepth(req.body, maxDepth) > maxDepth) {
      await reply.status(400).send({ error: { code: 'BODY_TOO_DEEP', message: `The JSON body nests deeper than ${maxDepth} levels.` } });
      return;
    }
    if (hasUnstorableString(req.body)) {
      await reply.status(400).send({ error: { code: 'INVALID_STRING', message: 'A string in the body contains U+0000 or an unpaired surrogate.' } });
    }
  });
}
