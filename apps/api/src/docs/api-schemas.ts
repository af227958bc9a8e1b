import {
  DECISIONS,
  DEVICE_STATUSES,
  FEEDBACK_LABELS,
  LOGIN_STATUSES,
  USER_DEVICE_STATUSES,
  type Assessment,
  type Decision,
  type DeviceLinks,
  type DeviceRef,
  type DeviceStatus,
  type FeedbackAnswer,
  type FeedbackLabel,
  type LoginStatus,
  type RiskAnswer,
  type ReasonDetailKey,
  type ReasonDetailParam,
  type RiskReason,
  type RiskScores,
  type UserDevice,
} from '@kizuki/contract';
import { applyDecorators } from '@nestjs/common';
import {
  ApiCookieAuth,
  ApiExtraModels,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  ApiSecurity,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';

/**
 * Response shapes for the OpenAPI document: each implements its @kizuki/contract type (the handlers return plain
 * objects of it).
 */

export class ErrorDetailDto {
  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable error code; see docs/api.md' }) code!: string;
  @ApiProperty({ example: 'The request body is not valid.' }) message!: string;
  @ApiPropertyOptional({
    description: 'Code-specific details, e.g. [{path, problems}] for VALIDATION_FAILED',
    example: [{ path: 'context.ip', problems: ['ip must be an ip address'] }],
  })
  details?: unknown;
}

export class ErrorBodyDto {
  @ApiProperty({ type: () => ErrorDetailDto }) error!: ErrorDetailDto;
}

const ERROR_EXAMPLES: Record<number, { description: string; code: string; message: string }> = {
  400: {
    description: 'The body or a parameter does not follow the contract',
    code: 'VALIDATION_FAILED',
    message: 'The request body is not valid.',
  },
  401: {
    description: 'Missing or wrong key / session',
    code: 'UNAUTHENTICATED',
    message: 'The API key is not valid, revoked or of the wrong kind.',
  },
  403: {
    description: 'Not allowed (origin, role or CSRF token)',
    code: 'FORBIDDEN',
    message: 'Your role does not allow this.',
  },
  404: { description: "Unknown id — also another tenant's id", code: 'NOT_FOUND', message: 'Assessment not found.' },
  409: {
    description: 'Conflicts with the current state',
    code: 'CONFLICT',
    message: 'This e-mail is already a member.',
  },
  410: {
    description: 'The link was already used or has expired',
    code: 'LINK_EXPIRED',
    message: 'This link has expired or was already used.',
  },
  413: {
    description: 'Body over 64 KiB',
    code: 'PAYLOAD_TOO_LARGE',
    message: 'The request body is larger than allowed.',
  },
  415: {
    description: 'Body not application/json',
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Send the body as application/json.',
  },
  429: {
    description: 'Too many requests (see Retry-After)',
    code: 'TOO_MANY_REQUESTS',
    message: 'Too many requests. Try again later.',
  },
  503: {
    description: 'A dependency is unavailable (see Retry-After)',
    code: 'UNAVAILABLE',
    message: 'Kizuki cannot accept signals right now; the login can go on without a token.',
  },
};

/** Documents the error answers of a route: always the one shape {error:{code,message,details?}}. */
export function ApiErrors(...statuses: number[]) {
  return applyDecorators(
    ApiExtraModels(ErrorBodyDto),
    ...statuses.map((status) => {
      const e = ERROR_EXAMPLES[status];
      return ApiResponse({
        status,
        description: e.description,
        schema: { $ref: getSchemaPath(ErrorBodyDto), example: { error: { code: e.code, message: e.message } } },
      });
    }),
  );
}

export class ScoresDto implements RiskScores {
  @ApiProperty({ type: 'number', nullable: true, example: 0.52, description: '0–1' }) takeover!: number | null;
  @ApiProperty({ type: 'number', nullable: true, example: 0 }) bot!: number | null;
  @ApiProperty({
    type: 'number',
    nullable: true,
    example: 0.81,
    description: "null until the account's typing profile is enrolled",
  })
  typing!: number | null;
  @ApiProperty({ type: 'number', nullable: true, example: null }) pointer!: number | null;
}

export class ReasonDto implements RiskReason {
  @ApiProperty({ example: 'NEW_DEVICE', description: 'Reason code (docs/scoring.md)' }) code!: string;
  @ApiProperty({ example: '3 accounts have logged in from this device.', description: 'The detail in English' })
  detail!: string;
  @ApiPropertyOptional({
    example: 'device.shared',
    description: 'Template key of the detail, to word it in another language (absent on assessments from before it)',
  })
  detailKey?: ReasonDetailKey;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    example: { accounts: 3 },
    description: "The template's parameters: numbers, strings, or nested { key, params } parts and lists of them",
  })
  params?: Record<string, ReasonDetailParam>;
}

export class DeviceRefDto implements DeviceRef {
  @ApiProperty({ example: '5f0c2a7e-1b3d-4c5e-8f9a-0b1c2d3e4f50' }) id!: string;
  @ApiProperty({ enum: DEVICE_STATUSES, example: 'new' }) status!: DeviceStatus;
}

export class DeviceLinksDto implements DeviceLinks {
  @ApiProperty({
    example: 'https://kizuki.example.com/links/lk_eyJ….sig',
    description: 'Single-use: trusts this device for the user',
  })
  approve!: string;
  @ApiProperty({
    example: 'https://kizuki.example.com/links/lk_eyJ….sig',
    description: 'Single-use: reports this device as fraud (future logins from it are denied)',
  })
  report!: string;
  @ApiProperty({ example: '2026-12-07T09:00:00.000Z' }) expiresAt!: string;
}

export class RiskAnswerDto implements RiskAnswer {
  @ApiProperty({ format: 'uuid', example: '0b6f3c1e-7a9d-8c2b-9e41-5d0f2a7c6b13' }) id!: string;
  @ApiProperty({ enum: DECISIONS, example: 'challenge' }) decision!: Decision;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    minimum: 0,
    maximum: 100,
    example: 58,
    description: 'null when degraded',
  })
  score!: number | null;
  @ApiProperty({ type: () => ScoresDto }) scores!: ScoresDto;
  @ApiProperty({ type: () => ReasonDto, isArray: true }) reasons!: ReasonDto[];
  @ApiProperty({ type: () => DeviceRefDto, nullable: true, description: 'null without SDK signals' })
  device!: DeviceRefDto | null;
  @ApiProperty({
    example: false,
    description: "true: not scored in time, decision is the tenant's fallback (default challenge)",
  })
  degraded!: boolean;
  @ApiProperty({ format: 'date-time', example: '2026-11-30T09:00:00.000Z' }) createdAt!: string;
  @ApiPropertyOptional({
    type: () => DeviceLinksDto,
    description:
      '"Was this you?" links — present only when the device is new to this account (device.status new or pending), ' +
      'the login was not denied and the answer is not degraded. See docs/api.md.',
  })
  links?: DeviceLinksDto;
}

export class AssessmentDto extends RiskAnswerDto implements Assessment {
  @ApiProperty({ example: 'login' }) event!: string;
  @ApiProperty({ enum: LOGIN_STATUSES }) status!: LoginStatus;
  @ApiProperty({ enum: DECISIONS, description: 'The decision the policy gave before shadow mode' })
  policyDecision!: Decision;
  @ApiProperty() shadow!: boolean;
  @ApiProperty({ type: 'string', nullable: true, enum: FEEDBACK_LABELS }) label!: FeedbackLabel | null;
}

export class CollectAnswerDto {
  @ApiProperty({ example: 'rt_eyJ0IjoiMWI…' }) requestToken!: string;
  @ApiProperty({ format: 'date-time', example: '2026-11-30T09:10:00.000Z' }) expiresAt!: string;
}

export class FeedbackAnswerDto implements FeedbackAnswer {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) assessmentId!: string;
  @ApiProperty({ enum: FEEDBACK_LABELS }) label!: FeedbackLabel;
}

export class UserDeviceDto implements UserDevice {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: USER_DEVICE_STATUSES }) status!: UserDevice['status'];
  @ApiProperty({ example: 12 }) logins!: number;
  @ApiProperty({ format: 'date-time' }) firstSeenAt!: string;
  @ApiProperty({ format: 'date-time' }) lastSeenAt!: string;
}

export class UserDevicesDto {
  @ApiProperty({ type: () => UserDeviceDto, isArray: true }) devices!: UserDeviceDto[];
}

export class DeviceStatusAnswerDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['trusted', 'fraud'] }) status!: string;
}

export class ErasureDto {
  @ApiProperty({ example: { accounts: 1, assessments: 42, signalBundles: 40, devices: 2, identityDocuments: 1 } })
  erased!: Record<string, number>;
}

export class DocumentKeyDto {
  @ApiProperty({ description: "The tenant's document key, base64url (32 bytes)", example: 'q3J…' }) key!: string;
  @ApiProperty({ enum: ['HMAC-SHA256'] }) algorithm!: 'HMAC-SHA256';
}

export class HealthCheckDto {
  @ApiProperty({ enum: ['up', 'down'] }) status!: string;
  @ApiProperty({ example: 2 }) latencyMs!: number;
  @ApiPropertyOptional() error?: string;
}

export class ReadinessDto {
  @ApiProperty({ enum: ['ready', 'not_ready'] }) status!: string;
  @ApiProperty({
    example: { postgres: { status: 'up', latencyMs: 2 }, redis: { status: 'up', latencyMs: 1 } },
    description: 'One entry per dependency',
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/HealthCheckDto' },
  })
  checks!: Record<string, HealthCheckDto>;
}

/** Class-level documentation of an /admin/api controller: session cookie, CSRF on mutations, the auth errors. */
export function AdminApi() {
  return applyDecorators(ApiTags('admin'), ApiCookieAuth('session'), ApiSecurity('csrf'), ApiErrors(401, 403));
}
