import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ApiOkResponse } from '@nestjs/swagger';
import { DECISIONS, DEVICE_STATUSES } from '@kizuki/contract';
import { join } from 'node:path';
import * as ts from 'typescript';
import { RiskAnswerDto } from './api-schemas';
import { DEVICE_LINKS, DEVICE_REF, RISK_ANSWER, RISK_REASON, RISK_SCORES } from './contract-shapes';
import { buildOpenApiDocument } from './openapi';

jest.setTimeout(30_000);

interface Schema {
  type?: string;
  nullable?: boolean;
  enum?: unknown[];
  $ref?: string;
  allOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
}
type Shape = Record<string, { required: boolean; nullable: boolean }>;

@Controller('probe')
class ProbeController {
  @Get() @ApiOkResponse({ type: RiskAnswerDto }) answer(): null {
    return null;
  }
}
@Module({ controllers: [ProbeController] })
class ProbeModule {}

describe('the OpenAPI risk answer and @kizuki/contract', () => {
  let schemas: Record<string, Schema>;
  beforeAll(async () => {
    const app = await NestFactory.create<NestFastifyApplication>(ProbeModule, new FastifyAdapter(), { logger: false });
    schemas = (buildOpenApiDocument(app).components?.schemas ?? {}) as Record<string, Schema>;
    await app.close();
  });

  /** The schema a property refers to (directly, through allOf for a nullable reference, or as array items). */
  const referenced = (p: Schema): Schema => {
    const ref = p.$ref ?? p.allOf?.[0]?.$ref ?? p.items?.$ref;
    if (!ref) throw new Error('not a reference');
    return schemas[ref.replace('#/components/schemas/', '')];
  };
  /** Each property's required/nullable flags as the document says them. */
  const flagsOf = (s: Schema): Shape =>
    Object.fromEntries(
      Object.entries(s.properties ?? {}).map(([k, p]) => [
        k,
        { required: (s.required ?? []).includes(k), nullable: !!p.nullable },
      ]),
    );

  it('the shapes the spec compares with type-check against the contract', () => {
    // swc strips types without checking them; this compiles the one file (and the contract) itself
    const root = join(__dirname, '../../../..');
    const program = ts.createProgram([join(__dirname, 'contract-shapes.ts')], {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
      baseUrl: root,
      paths: { '@kizuki/contract': ['libs/contract/src'] },
    });
    const problems = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(problems).toEqual([]);
  });

  it('has every field of RiskAnswer, required and nullable as the contract says, and no other', () => {
    const answer = schemas.RiskAnswerDto;
    expect(flagsOf(answer)).toEqual(RISK_ANSWER);
    const p = answer.properties!;
    expect(flagsOf(referenced(p.scores))).toEqual(RISK_SCORES);
    expect(p.reasons.type).toBe('array');
    expect(flagsOf(referenced(p.reasons))).toEqual(RISK_REASON);
    expect(flagsOf(referenced(p.device))).toEqual(DEVICE_REF);
    expect(flagsOf(referenced(p.links))).toEqual(DEVICE_LINKS);
  });

  it('takes its enumerations from the contract', () => {
    expect(schemas.RiskAnswerDto.properties!.decision.enum).toEqual([...DECISIONS]);
    expect(referenced(schemas.RiskAnswerDto.properties!.device).properties!.status.enum).toEqual([...DEVICE_STATUSES]);
  });
});
