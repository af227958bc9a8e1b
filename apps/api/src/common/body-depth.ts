import type { FastifyInstance } from 'fastify';

/** No request body of the API nests deeper than this (an SDK bundle: 5 levels). */
export const MAX_BODY_DEPTH = 32;

/**
 * Strings PostgreSQL cannot store (text and jsonb refuse U+0000; jsonb refuses lone surrogates):
 * accepted, they would turn into a job that fails forever — a 202 whose signals are never stored.
 */
// eslint-disable-next-line no-control-regex -- U+0000 is the character PostgreSQL refuses
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Cheap first look: a string without U+0000 or any surrogate cannot be unstorable. */
// eslint-disable-next-line no-control-regex -- as above
const SUSPECT = /[\u0000\ud800-\udfff]/;
const unstorable = (s: string) => SUSPECT.test(s) && UNSTORABLE.test(s);

/**
 * One walk for both checks, without recursion and without allocating per value (it runs on every
 * body; an SDK bundle has hundreds of numbers): 'too-deep' past `maxDepth` levels, 'unstorable'
 * for a string or key PostgreSQL cannot store, else null.
 */
export function inspectBody(value: unknown, maxDepth: number): 'too-deep' | 'unstorable' | null {
  if (typeof value === 'string') return unstorable(value) ? 'unstorable' : null;
  if (value === null || typeof value !== 'object') return null;
  const objects: object[] = [value];
  const depths: number[] = [1];
  for (let o = objects.pop(); o !== undefined; o = objects.pop()) {
    const d = depths.pop() ?? 0;
    if (d > maxDepth) return 'too-deep';
    if (Array.isArray(o)) {
      for (let i = 0; i < o.length; i++) {
        const c: unknown = o[i];
        if (typeof c === 'string') {
          if (unstorable(c)) return 'unstorable';
        } else if (c !== null && typeof c === 'object') {
          objects.push(c);
          depths.push(d + 1);
        }
      }
    } else {
      for (const k in o) {
        if (!Object.prototype.hasOwnProperty.call(o, k)) continue;
        if (unstorable(k)) return 'unstorable';
        const c: unknown = (o as Record<string, unknown>)[k];
        if (typeof c === 'string') {
          if (unstorable(c)) return 'unstorable';
        } else if (c !== null && typeof c === 'object') {
          objects.push(c);
          depths.push(d + 1);
        }
      }
    }
  }
  return null;
}

/**
 * Refuses over-deep JSON bodies, and strings PostgreSQL cannot store, with 400 right after parsing, before
 * validation: the validator and transformer walk bodies recursively, so a 3,000-level array would otherwise
 * exhaust the stack (500).
 */
export function installBodyDepthLimit(fastify: FastifyInstance, maxDepth = MAX_BODY_DEPTH): void {
  fastify.addHook('preValidation', async (req, reply) => {
    if (req.body === undefined || req.body === null || typeof req.body !== 'object') return;
    const problem = inspectBody(req.body, maxDepth);
    if (problem === 'too-deep') {
      await reply
        .status(400)
        .send({ error: { code: 'BODY_TOO_DEEP', message: `The JSON body nests deeper than ${maxDepth} levels.` } });
      return;
    }
    if (problem === 'unstorable') {
      await reply.status(400).send({
        error: { code: 'INVALID_STRING', message: 'A string in the body contains U+0000 or an unpaired surrogate.' },
      });
    }
  });
}
