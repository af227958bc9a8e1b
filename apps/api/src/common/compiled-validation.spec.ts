import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import fc from 'fast-check';
import * as S from '../../../../libs/scoring/src/testing/scenario';
import { CollectDto } from '../collect/collect.dto';
import { RiskDto } from '../risk/risk.dto';
import { compileDto } from './compiled-validation';

/** The global ValidationPipe's verdict (whitelist, forbid unknown properties and values). */
function pipeAccepts(dto: new () => object, body: unknown): boolean {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
  return (
    validateSync(plainToInstance(dto, body) as object, {
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
    }).length === 0
  );
}

const anyValue = fc.oneof(
  fc.double(),
  fc.integer({ min: -200_000_000, max: 200_000_000 }),
  fc.constantFrom(
    0,
    1,
    -1,
    0.5,
    86_400_000,
    86_400_001,
    100_000,
    100_001,
    -100_001,
    'char',
    'password',
    'mouse',
    'none',
    'login',
    'failed',
    '203.0.113.9',
    '::1',
    '999.1.1.1',
    'abcdefgh',
    'ab',
    '😀'.repeat(20),
    'x'.repeat(33),
    true,
    false,
    null,
    [],
    {},
    [1, 2],
    { a: 1 },
    { d: 1, u: 2, c: 'char' },
  ),
  fc.string({ maxLength: 40 }),
);

/** Every path to a value in a JSON tree (objects and arrays), the root excluded. */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (!v || typeof v !== 'object') return [];
  const keys: (string | number)[] = Array.isArray(v) ? v.map((_x, i) => i) : Object.keys(v);
  return keys.flatMap((k) => [[...prefix, k], ...paths((v as Record<string, unknown>)[k as string], [...prefix, k])]);
}

type Mutation = { kind: 'set' | 'delete' | 'extra'; at: number; value: unknown; key: string };
function mutate(base: unknown, muts: Mutation[]): unknown {
  const body = structuredClone(base) as Record<string, unknown>;
  for (const m of muts) {
    const all = paths(body);
    if (!all.length) break;
    const path = all[m.at % all.length];
    let parent: Record<string | number, unknown> = body;
    for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
    const last = path[path.length - 1];
    if (m.kind === 'set') parent[last] = structuredClone(m.value);
    else if (m.kind === 'delete' && !Array.isArray(parent)) Reflect.deleteProperty(parent, last);
    else if (m.kind === 'extra' && parent[last] && typeof parent[last] === 'object' && !Array.isArray(parent[last]))
      (parent[last] as Record<string, unknown>)[m.key] = structuredClone(m.value);
  }
  return body;
}
const mutation = fc.record({
  kind: fc.constantFrom('set', 'set', 'delete', 'extra'),
  at: fc.nat(),
  value: anyValue,
  key: fc.constantFrom('extra', 'key', 'value', 'd'),
}) as fc.Arbitrary<Mutation>;

describe("compileDto: the pipe's rules, compiled", () => {
  const collect = compileDto(CollectDto);
  const risk = compileDto(RiskDto);
  const bundles = [1, 2, 3].map(
    (i) => JSON.parse(JSON.stringify(S.humanBundle(S.makePerson(i), `device-${i}-abcdefgh`, 100 + i))) as unknown,
  );
  const riskBody = {
    requestToken: 'abc',
    event: 'login',
    status: 'succeeded',
    user: { id: 'alice@example.jp' },
    context: { ip: '203.0.113.9', userAgent: 'Mozilla/5.0', acceptLanguage: 'ja' },
  };

  it('accepts what the SDK and a backend send', () => {
    for (const b of bundles) expect(collect(b)).toEqual([]);
    expect(risk(riskBody)).toEqual([]);
    expect(risk({ ...riskBody, requestToken: undefined, context: { ip: '::1' } })).toEqual([]);
  });

  it('names the path of what is wrong, and refuses unknown properties at any depth', () => {
    const b = structuredClone(bundles[0]) as {
      typing: { fields: { keys: { d: number }[] }[] };
      pointer: Record<string, unknown>;
    };
    b.typing.fields[0].keys[2].d = -5;
    b.pointer.extra = 1;
    expect(collect(b)).toEqual([
      { path: 'typing.fields[0].keys[2].d', problems: ['typing.fields[0].keys[2].d must not be less than 0'] },
      { path: 'pointer.extra', problems: ['property extra should not exist'] },
    ]);
    expect(risk({ ...riskBody, context: { ip: '999.1.1.1' } })).toEqual([
      { path: 'context.ip', problems: ['context.ip must be an IPv4 or IPv6 address (without an IPv6 zone)'] },
    ]);
    expect(risk([])).toEqual([{ path: 'body', problems: ['body must be an object'] }]);
    expect(risk(null).length).toBe(1);
  });

  /**
   * Same verdict as class-validator, with one deliberate difference: class-validator's nested
   * validation walks into an array found where one nested object is expected (`fields: [[]]`
   * passes it); the compiled check refuses it ("must be an object").
   */
  const sameVerdict = (problems: { problems: string[] }[], pipeOk: boolean) => {
    if (problems.length === 0) return expect(pipeOk).toBe(true);
    if (pipeOk)
      expect(problems.map((p) => p.problems[0]).filter((m) => !/\]?\.?.* must be an object$/.test(m))).toEqual([]);
  };

  it('agrees with class-validator on mutated bodies (thousands of cases)', () => {
    fc.assert(
      fc.property(fc.nat(bundles.length - 1), fc.array(mutation, { minLength: 1, maxLength: 3 }), (i, muts) => {
        const body = mutate(bundles[i], muts);
        sameVerdict(collect(body), pipeAccepts(CollectDto, body));
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (muts) => {
        const body = mutate(riskBody, muts);
        sameVerdict(risk(body), pipeAccepts(RiskDto, body));
      }),
      { numRuns: 2000 },
    );
    // the difference itself
    const b = structuredClone(bundles[0]) as { typing: { fields: unknown[] } };
    b.typing.fields = [[]];
    expect(pipeAccepts(CollectDto, b)).toBe(true);
    expect(collect(b)).toEqual([{ path: 'typing.fields[0]', problems: ['typing.fields[0] must be an object'] }]);
  });
});
