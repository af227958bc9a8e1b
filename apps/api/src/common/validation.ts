import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { Errors } from './api-error';

/** Flattens class-validator errors into [{ path, problems }] for the error's details. */
export function describeValidationErrors(
  errors: ValidationError[],
  parent = '',
): { path: string; problems: string[] }[] {
  return errors.flatMap((e) => {
    const path = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ path, problems: Object.values(e.constraints) }] : [];
    return [...own, ...describeValidationErrors(e.children ?? [], path)].slice(0, 50);
  });
}

// Whitelist + forbid unknown: a field the contract does not name is an error, not silently dropped.
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => Errors.validation(describeValidationErrors(errors)),
  });
}
