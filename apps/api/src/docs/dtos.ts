import type { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { getMetadataStorage } from 'class-validator';
import { CompiledBodyPipe } from '../common/compiled-validation';

type Ctor = new (...args: never[]) => unknown;

/** Every DTO class a route handler takes (body or query), found from the handlers' parameter types and the compiled body pipes. */
export function handlerDtos(app: INestApplication): Ctor[] {
  const found = new Set<Ctor>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const proto = (wrapper.metatype as Ctor | null)?.prototype as Record<string, unknown> | undefined;
      if (!proto) continue;
      for (const name of Object.getOwnPropertyNames(proto)) {
        const types = (Reflect.getMetadata('design:paramtypes', proto, name) ?? []) as unknown[];
        for (const t of types) {
          if (typeof t === 'function' && getMetadataStorage().getTargetValidationMetadatas(t, '', true, false).length) found.add(t as Ctor);
        }
      }
    }
  }
  // bodies checked by a compiled pipe are typed as plain interfaces: their DTOs are registered there
  for (const dto of CompiledBodyPipe.dtos) found.add(dto);
  return [...found];
}
