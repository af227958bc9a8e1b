import { getMetadataStorage, type ValidatorConstraintInterface } from 'class-validator';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as {
  defaultMetadataStorage: {
    findTypeMetadata(target: object, property: string): { typeFunction?: () => unknown } | undefined;
  };
};

// A DTO's class-validator rules, read once here for the two things built from them: the compiled
// body validator (compiled-validation.ts) and the OpenAPI schemas (docs/validator-schemas.ts).

export type Ctor = new (...args: never[]) => unknown;

/** One class-validator rule as its metadata storage keeps it. */
export interface Rule {
  type: string;
  name?: string;
  propertyName: string;
  constraints?: unknown[];
  constraintCls?: new () => ValidatorConstraintInterface;
  each?: boolean;
  async?: boolean;
}

export interface DtoProperty {
  name: string;
  rules: Rule[];
  /** the property's class-transformer @Type: the DTO of a nested property (or a conversion, e.g. Number) */
  type?: Ctor;
  /** @ValidateNested: the value is checked against `type` */
  nested: boolean;
  /** @IsOptional: undefined and null skip every other rule */
  optional: boolean;
}

/** Every class that has class-validator rules (the storage keeps them by class; it has no public list). */
export function validatedClasses(): Ctor[] {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<unknown, unknown> };
  return [...storage.validationMetadatas.keys()].filter((t): t is Ctor => typeof t === 'function');
}

/** The DTO's validated properties, in declaration order, with their rules (the global pipe's: no groups, always). */
export function dtoProperties(dto: Ctor): DtoProperty[] {
  const rules = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false) as unknown as Rule[];
  const byProp = new Map<string, Rule[]>();
  for (const r of rules) byProp.set(r.propertyName, [...(byProp.get(r.propertyName) ?? []), r]);
  return [...byProp].map(([name, list]) => ({
    name,
    rules: list,
    type: defaultMetadataStorage.findTypeMetadata(dto, name)?.typeFunction?.() as Ctor | undefined,
    nested: list.some((r) => r.type === 'nestedValidation'),
    optional: list.some((r) => r.type === 'conditionalValidation'),
  }));
}
