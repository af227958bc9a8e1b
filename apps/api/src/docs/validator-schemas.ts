import { ApiProperty } from '@nestjs/swagger';
import { dtoProperties, type Ctor, type Rule as Meta } from '../common/dto-rules';

const done = new WeakSet<Ctor>();
// @nestjs/swagger's metadata key for @ApiProperty (DECORATORS.API_MODEL_PROPERTIES).
const API_MODEL_PROPERTIES = 'swagger/apiModelProperties';

/**
 * The OpenAPI schema of a DTO derived from its class-validator rules, so the spec follows the
 * validation that actually runs and is the same under @swc/jest (where the swagger CLI plugin does
 * not run) and in the webpack build. Explicit @ApiProperty (descriptions, examples) wins: derived
 * options only fill what it does not say. Nested DTOs (class-transformer @Type) are followed.
 */
export function deriveSchemasFromValidators(classes: Ctor[]): void {
  const queue = [...classes];
  for (let target = queue.shift(); target !== undefined; target = queue.shift()) {
    if (done.has(target)) continue;
    done.add(target);
    for (const { name: prop, rules: list, type: nested, nested: isNested, optional } of dtoProperties(target)) {
      if (nested && isNested) queue.push(nested);
      const proto = target.prototype as object;
      const explicit = Object.fromEntries(
        Object.entries(
          (Reflect.getMetadata(API_MODEL_PROPERTIES, proto, prop) ?? {}) as Record<string, unknown>,
        ).filter(([k, v]) => v !== undefined && k !== 'type'),
      );
      ApiProperty({ ...propertyOptions(list, nested, optional), ...explicit })(proto, prop);
    }
  }
}

function propertyOptions(list: Meta[], nested: Ctor | undefined, optional: boolean): Record<string, unknown> {
  const named = (n: string) => list.find((m) => m.name === n);
  const has = (n: string) => !!named(n);
  const c = (n: string) => named(n)?.constraints?.[0];
  const isArray = has('isArray') || list.some((m) => m.type === 'nestedValidation' && m.each);
  // Rules that apply to each element of an array, or to the value itself.
  const scalar = (each: boolean): Record<string, unknown> => {
    const own = list.filter((m) => !!m.each === each || m.type === 'nestedValidation');
    const o: Record<string, unknown> = {};
    const get = (n: string) => own.find((m) => m.name === n)?.constraints;
    if (nested) o.type = nested;
    else if (get('isIn')) {
      const values = (get('isIn') ?? [])[0] as unknown[];
      o.enum = values;
      o.type = typeof values[0] === 'number' ? 'number' : 'string';
    } else if (own.some((m) => m.name === 'isInt')) o.type = 'integer';
    else if (own.some((m) => m.name === 'isNumber')) o.type = 'number';
    else if (own.some((m) => m.name === 'isBoolean')) o.type = 'boolean';
    else if (own.some((m) => m.name === 'isFlatRecord' || m.name === 'isObject' || m.name === 'isNotEmptyObject')) {
      o.type = 'object';
      o.additionalProperties = true;
    } else o.type = 'string';
    const [min, max, maxLength, minLength, length, matches] = [
      get('min'),
      get('max'),
      get('maxLength'),
      get('minLength'),
      get('length'),
      get('matches'),
    ];
    if (min) o.minimum = min[0];
    if (max) o.maximum = max[0];
    if (maxLength) o.maxLength = maxLength[0];
    if (minLength) o.minLength = minLength[0];
    if (length) Object.assign(o, { minLength: length[0], maxLength: length[1] });
    if (matches) o.pattern = (matches[0] as RegExp).source;
    if (own.some((m) => m.name === 'isUuid')) o.format = 'uuid';
    if (own.some((m) => m.name === 'isIso8601')) o.format = 'date-time';
    if (own.some((m) => m.name === 'isIp' || m.name === 'isInetAddress')) o.format = 'ip';
    return o;
  };
  if (!isArray) return { ...scalar(false), required: !optional, ...(optional ? { nullable: true } : {}) };
  const items = scalar(true);
  const out: Record<string, unknown> = { isArray: true, required: !optional };
  if (typeof items.type === 'function') out.type = items.type;
  else {
    out.type = items.type;
    for (const k of ['enum', 'minimum', 'maximum', 'maxLength', 'pattern', 'format'] as const)
      if (items[k] !== undefined) out[k] = items[k];
  }
  if (c('arrayMaxSize') !== undefined) out.maxItems = c('arrayMaxSize');
  return out;
}
