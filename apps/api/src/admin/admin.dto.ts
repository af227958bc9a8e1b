import { DECISIONS, FEEDBACK_LABELS, RISK_EVENTS, type Decision, type RiskEvent } from '@kizuki/contract';
import { IP_SUMMARY_SORTS, type IpSummarySort } from '@kizuki/database';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsISO8601,
  IsNotEmptyObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

export const ROLES = ['admin', 'analyst', 'viewer'] as const;
export const RANGES = ['24h', '7d', '30d'] as const;

export class LoginDto {
  @IsString() @Length(3, 320) email!: string;
  @IsString() @Length(1, 1024) password!: string;
  @IsOptional() @IsString() @Matches(/^\d{6}$/, { message: 'totp must be 6 digits' }) totp?: string;
}

export class ChangePasswordDto {
  @IsString() @Length(1, 1024) currentPassword!: string;
  @IsString()
  @MinLength(12, { message: 'the new password needs at least 12 characters' })
  @MaxLength(1024)
  newPassword!: string;
}

export class TotpCodeDto {
  @IsString() @Matches(/^\d{6}$/, { message: 'code must be 6 digits' }) code!: string;
}

export class LoginsQueryDto {
  @IsOptional() @IsIn(RISK_EVENTS) event?: RiskEvent;
  @IsOptional() @IsIn(DECISIONS) decision?: Decision;
  @IsOptional() @IsString() @Matches(/^[A-Z_]{2,40}$/) reason?: string;
  /** the raw user id as the customer sends it (pseudonymised server-side), or a display label's exact value */
  @IsOptional() @IsString() @Length(1, 512) user?: string;
  /** the review queue: unlabelled logins the policy did not allow */
  @IsOptional() @IsIn(['1']) review?: '1';
  /** only the logins assigned to the signed-in member */
  @IsOptional() @IsIn(['me']) assignee?: 'me';
  @IsOptional() @IsUUID() account?: string;
  @IsOptional() @IsString() @Length(2, 64) ip?: string;
  @IsOptional() @IsUUID() device?: string;
  @IsOptional() @IsString() @Matches(/^[A-Za-z]{2}$/) country?: string;
  @IsOptional() @IsIn([...FEEDBACK_LABELS, 'none']) label?: string;
  @IsOptional() @IsISO8601() from?: string;
  @IsOptional() @IsISO8601() to?: string;
  @IsOptional() @IsString() @MaxLength(200) cursor?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(200) limit?: number;
}

export class RangeQueryDto {
  @IsOptional() @IsIn(RANGES) range?: (typeof RANGES)[number];
  /** the IP summary's sort */
  @IsOptional() @IsIn(Object.keys(IP_SUMMARY_SORTS)) sort?: IpSummarySort;
}

export class LabelDto {
  @IsIn(['legit', 'fraud']) label!: 'legit' | 'fraud';
}

export class PreferencesDto {
  /** an IANA time zone (Asia/Tokyo); null returns to the UI language's default */
  @IsOptional() @IsString() @MaxLength(64) timeZone!: string | null;
}

export class SettingsDto {
  /** store the display labels sent with risk calls (false also wipes the stored ones) */
  @IsBoolean() displayLabels!: boolean;
}

/** The review queue: take a login (me), give it back (none), and/or write its note (null clears it). */
export class ReviewDto {
  @IsOptional() @IsIn(['me', 'none']) assign?: 'me' | 'none';
  @IsOptional() @IsString() @MaxLength(2000) note?: string | null;
}

export class ListEntryDto {
  @IsIn(['allow', 'deny']) list!: 'allow' | 'deny';
  @IsIn(['ip', 'cidr', 'device', 'user', 'asn', 'country']) kind!:
    'ip' | 'cidr' | 'device' | 'user' | 'asn' | 'country';
  @IsString() @Length(1, 512) value!: string;
  @IsOptional() @IsString() @MaxLength(500) comment?: string;
  @IsOptional() @IsISO8601() expiresAt?: string;
}

class ThresholdsDto {
  @IsInt() @Min(1) @Max(100) challenge!: number;
  @IsInt() @Min(1) @Max(100) deny!: number;
}

class DetectorsDto {
  @IsOptional() @IsBoolean() token?: boolean;
  @IsOptional() @IsBoolean() lists?: boolean;
  @IsOptional() @IsBoolean() device?: boolean;
  @IsOptional() @IsBoolean() typing?: boolean;
  @IsOptional() @IsBoolean() pointer?: boolean;
  @IsOptional() @IsBoolean() bot?: boolean;
  @IsOptional() @IsBoolean() network?: boolean;
  @IsOptional() @IsBoolean() velocity?: boolean;
  @IsOptional() @IsBoolean() signup?: boolean;
  @IsOptional() @IsBoolean() accountChange?: boolean;
  @IsOptional() @IsBoolean() credentials?: boolean;
  @IsOptional() @IsBoolean() identity?: boolean;
}

/** Each event's own thresholds (login's are `thresholds`); an event left out keeps what it had. */
class EventThresholdsDto {
  @IsOptional() @ValidateNested() @Type(() => ThresholdsDto) registration?: ThresholdsDto;
  @IsOptional() @ValidateNested() @Type(() => ThresholdsDto) password_reset_request?: ThresholdsDto;
  @IsOptional() @ValidateNested() @Type(() => ThresholdsDto) password_reset?: ThresholdsDto;
  @IsOptional() @ValidateNested() @Type(() => ThresholdsDto) profile_update?: ThresholdsDto;
}

class BruteForceDto {
  @IsInt() @Min(1) @Max(1000) accountFailures!: number;
  @IsInt() @Min(1) @Max(1000) accountDeviceFailures!: number;
  @IsInt() @Min(1) @Max(1440) windowMinutes!: number;
}

class TypingPolicyDto {
  /** share of owners' own logins on a trusted device the typing rhythm alone may challenge */
  @IsNumber() @Min(0.0001) @Max(0.2) falseChallengeRate!: number;
}

export class PolicyDto {
  @ValidateNested() @Type(() => ThresholdsDto) @IsNotEmptyObject() thresholds!: ThresholdsDto;
  @IsOptional() @ValidateNested() @Type(() => EventThresholdsDto) events?: EventThresholdsDto;
  @IsIn(DECISIONS) fallbackDecision!: Decision;
  @IsBoolean() shadowMode!: boolean;
  @ValidateNested() @Type(() => DetectorsDto) detectors!: DetectorsDto;
  @IsOptional() @ValidateNested() @Type(() => BruteForceDto) bruteForce?: BruteForceDto;
  @IsOptional() @ValidateNested() @Type(() => TypingPolicyDto) typing?: TypingPolicyDto;
}

export class CreateKeyDto {
  @IsIn(['publishable', 'secret']) kind!: 'publishable' | 'secret';
  @IsOptional() @IsString() @MaxLength(100) label?: string;
}

export class RotateKeyDto {
  /** how long the old key keeps working */
  @IsOptional() @IsInt() @Min(0) @Max(720) overlapHours?: number;
}

export class InviteDto {
  @IsString()
  @Matches(/^[^@\s]+@[^@\s]+$/, { message: 'email must be an e-mail address' })
  @MaxLength(320)
  email!: string;
  @IsIn(ROLES) role!: (typeof ROLES)[number];
}

export class RoleDto {
  @IsIn(ROLES) role!: (typeof ROLES)[number];
}

export class AuditQueryDto {
  @IsOptional() @IsString() @MaxLength(200) cursor?: string;
}
