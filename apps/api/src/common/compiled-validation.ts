import { Injectable, type PipeTransform } from '@nestjs/common';
import { getFromContainer, type ValidationArguments } from 'class-validator';
import { Errors } from './api-error';
import { dtoProperties, type Ctor, type DtoProperty, type Rule as Meta } from './dto-rules';

export interface Problem {
  path: string;
  problems: string[];
}
/** Checks one value; pushes what is wrong (at most one problem per property) into `out`. */
type Check = (value: unknown, path: string, out: Problem[], object: unknown) => void;

/**
 * A validator compiled once from a DTO's class-validator and class-transformer metadata, with the
 * global ValidationPipe's rules (whitelist, forbid unknown properties and values): one pass over
 * the plain body, no class instances. Used on the hot public endpoints (/v1/collect, /v1/risk),
 * where the pipe's plainToInstance + validate was the api's largest CPU cost (bench/load.ts
 * profile: ~0.6 ms of a 1.2 ms collect). The DTO stays the single contract: common rules run inline,
 * any other class-validator rule runs through its own constraint, so nothing is left unchecked;
 * a spec checks the verdicts against class-validator's on random bodies.
 */
export function compileDto(dto: Ctor): (body: unknown) => Problem[] {
  const check = compileObject(dto, new Map());
  return (body) => {
    const out: Problem[] = [];
    check(body, '', out, undefined);
    return out;
  };
}

/** A Nest pipe for one route's body: `@Body(new CompiledBodyPipe(CollectDto)) body: SignalBundle`. */
@Injectable()
export class CompiledBodyPipe implements PipeTransform {
  private readonly validate: (body: unknown) => Problem[];

  constructor(dto: Ctor) {
    this.validate = compileDto(dto);
  }

  transform(body: unknown): unknown {
    const problems = this.validate(body);
    if (problems.length) throw Errors.validation(problems.slice(0, 50));
    return body;
  }
}

const join = (path: string, prop: string) => (path ? `${path}.${prop}` : prop);

function compileObject(dto: Ctor, seen: Map<Ctor, Check>): Check {
  const cached = seen.get(dto);
  if (cached) return cached;
  // recursive DTOs: refer to the check being built
  let self: Check = () => undefined;
  const forward: Check = (v, p, o, obj) => self(v, p, o, obj);
  seen.set(dto, forward);
  const properties = dtoProperties(dto);
  const props = properties.map((p) => [p.name, compileProperty(dto, p, seen)] as const);
  const known = new Set(properties.map((p) => p.name));
  self = (value, path, out) => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) {
      out.push({ path: path || 'body', problems: [`${path || 'body'} must be an object`] });
      return;
    }
    const record = value as Record<string, unknown>;
    for (const [prop, check] of props) check(record[prop], join(path, prop), out, record);
    for (const key of Object.keys(record))
      if (!known.has(key)) out.push({ path: join(path, key), problems: [`property ${key} should not exist`] });
  };
  return forward;
}

function compileProperty(
  dto: Ctor,
  { name: prop, rules: list, type, optional }: DtoProperty,
  seen: Map<Ctor, Check>,
): Check {
  const rules: Meta[] = [];
  let nested: { check: Check; each: boolean } | undefined;
  for (const m of list) {
    if (m.type === 'conditionalValidation' || m.type === 'whitelistValidation') continue;
    if (m.type === 'nestedValidation') {
      if (!type) throw new Error(`compileDto: ${dto.name}.${prop} is nested without a @Type`);
      nested = { check: compileObject(type, seen), each: !!m.each };
    } else if (m.type === 'customValidation' || m.type === 'isDefined') rules.push(m);
    else throw new Error(`compileDto: ${dto.name}.${prop}: unsupported rule type ${m.type}`);
  }
  // Type rules first (decorators register bottom-up), so range rules only see the right type.
  rules.sort((a, b) => rank(a) - rank(b));
  const single = rules.filter((m) => !m.each).map((m) => compileRule(dto, prop, m));
  const each = rules.filter((m) => m.each).map((m) => compileRule(dto, prop, m));
  const allInRange = integersInRange(rules.filter((m) => m.each));
  const report = (out: Problem[], path: string, problem: string) =>
    void out.push({ path, problems: [problem.replace(/\$property/g, path)] });
  return (value, path, out, object) => {
    if (optional && (value === undefined || value === null)) return;
    for (const rule of single) {
      const problem = rule(value, object);
      if (problem) return report(out, path, problem);
    }
    if (each.length) {
      if (!Array.isArray(value)) return report(out, path, '$property must be an array');
      // element paths are built only for a bad element: a trajectory has thousands of numbers
      for (let i = allInRange?.(value) ? value.length : 0; i < value.length; i++) {
        for (const rule of each) {
          const problem = rule(value[i], object);
          if (problem) return report(out, `${path}[${i}]`, problem);
        }
      }
    }
    if (nested) {
      if (nested.each) {
        if (!Array.isArray(value)) return void out.push({ path, problems: [`${path} must be an array`] });
        const before = out.length;
        for (let i = 0; i < value.length && out.length === before; i++)
          nested.check(value[i], `${path}[${i}]`, out, object);
      } else nested.check(value, path, out, object);
    }
  };
}

/**
 * For an array of integers with bounds (`@IsInt @Min @Max`, each): one tight loop that says whether every
 * element passes, so the per-element rules (three calls each, over a trajectory's thousands of numbers) run
 * only to name the first bad element. Null for any other set of rules.
 */
function integersInRange(each: Meta[]): ((values: unknown[]) => boolean) | null {
  if (!each.some((m) => m.name === 'isInt')) return null;
  let min = -Infinity;
  let max = Infinity;
  for (const m of each) {
    if (m.name === 'min') min = Math.max(min, (m.constraints ?? [])[0] as number);
    else if (m.name === 'max') max = Math.min(max, (m.constraints ?? [])[0] as number);
    else if (m.name !== 'isInt') return null;
  }
  return (values) => {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) return false;
    }
    return true;
  };
}

const TYPE_RULES = new Set(['isDefined', 'isNumber', 'isInt', 'isString', 'isBoolean', 'isIn', 'isObject', 'isArray']);
const rank = (m: Meta) => (TYPE_RULES.has(m.name ?? m.type) ? 0 : 1);

/**
 * One rule: inline for the common ones, else the class-validator constraint itself. Messages say `$property` for the
 * path.
 */
function compileRule(dto: Ctor, prop: string, m: Meta): (v: unknown, object: unknown) => string | null {
  const c = m.constraints ?? [];
  switch (m.type === 'isDefined' ? 'isDefined' : m.name) {
    case 'isDefined':
      return (v) => (v === undefined || v === null ? `$property should not be null or undefined` : null);
    case 'isNumber': {
      const o = (c[0] ?? {}) as { allowNaN?: boolean; allowInfinity?: boolean; maxDecimalPlaces?: number };
      if (o.maxDecimalPlaces !== undefined) return delegate(dto, prop, m);
      return (v) =>
        typeof v === 'number' &&
        (o.allowNaN || !Number.isNaN(v)) &&
        (o.allowInfinity || (v !== Infinity && v !== -Infinity))
          ? null
          : `$property must be a number conforming to the specified constraints`;
    }
    case 'isInt':
      return (v) => (typeof v === 'number' && Number.isInteger(v) ? null : `$property must be an integer number`);
    case 'min': {
      const min = c[0] as number;
      return (v) => (typeof v === 'number' && v >= min ? null : `$property must not be less than ${min}`);
    }
    case 'max': {
      const max = c[0] as number;
      return (v) => (typeof v === 'number' && v <= max ? null : `$property must not be greater than ${max}`);
    }
    case 'isIn': {
      const values = c[0] as unknown[];
      return (v) => (values.includes(v) ? null : `$property must be one of the following values: ${values.join(', ')}`);
    }
    case 'isString':
      return (v) => (typeof v === 'string' ? null : `$property must be a string`);
    case 'isBoolean':
      return (v) => (typeof v === 'boolean' ? null : `$property must be a boolean value`);
    case 'isObject':
      return (v) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? null : `$property must be an object`);
    case 'isArray':
      return (v) => (Array.isArray(v) ? null : `$property must be an array`);
    case 'arrayMaxSize': {
      const max = c[0] as number;
      return (v) =>
        Array.isArray(v) && v.length <= max ? null : `$property must contain no more than ${max} elements`;
    }
    default:
      // maxLength (counts a surrogate pair as one character), matches, isIP, custom rules…
      return delegate(dto, prop, m);
  }
}

/** A rule run through class-validator's own constraint (sync only), with its own message. */
function delegate(dto: Ctor, prop: string, m: Meta): (v: unknown, object: unknown) => string | null {
  const c = m.constraints ?? [];
  if (!m.constraintCls) throw new Error(`compileDto: ${dto.name}.${prop}: rule ${m.name} has no constraint`);
  const constraint = getFromContainer(m.constraintCls);
  return (v, object) => {
    const args: ValidationArguments = {
      value: v,
      constraints: c,
      targetName: dto.name,
      object: object as object,
      property: prop,
    };
    const ok = constraint.validate(v, args);
    if (ok instanceof Promise) throw new Error(`compileDto: ${dto.name}.${prop}: async rule ${m.name}`);
    if (ok) return null;
    const message = constraint.defaultMessage?.(args) ?? `${prop} is not valid`;
    return message.replace(/\$value/g, '').replace(/\$constraint(\d)/g, (_s, i: string) => String(c[Number(i) - 1]));
  };
}
