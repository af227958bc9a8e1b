import {
  LOGIN_STATUSES,
  PROFILE_CHANGES,
  RISK_EVENTS,
  type LoginStatus,
  type ProfileChange,
  type RiskContext,
  type RiskCredentials,
  type RiskEvent,
  type RiskIdentity,
  type RiskRequest,
  type RiskUser,
} from '@kizuki/contract';
import { Type } from 'class-transformer';
import { IsInetAddress } from '../common/inet';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';

/** A DNS name (IDNs in their ASCII form); never an address: "@" is refused. */
export const EMAIL_DOMAIN = /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z0-9-]{2,63}$/;

/**
 * `changes` goes with profile_update and only with it: a profile change without what changed cannot
 * be weighed, and `changes` on another event is a caller's mistake worth a 400, not a silent drop.
 */
function ChangesMatchEvent() {
  return ValidateBy({
    name: 'changesMatchEvent',
    validator: {
      validate: (event: unknown, args) => {
        const changes = (args?.object as { changes?: unknown }).changes;
        const given = changes !== undefined && changes !== null;
        return event === 'profile_update' ? given : !given;
      },
      defaultMessage: () => '$property profile_update needs changes, and only profile_update takes changes',
    },
  });
}

export class RiskUserDto implements RiskUser {
  /** The customer's own user id (e-mail, login name, number as string). Pseudonymised at once, never stored. */
  @IsString() @Length(1, 256) id!: string;
  /** The e-mail's domain only (e.g. "example.jp"), for DISPOSABLE_EMAIL; never the address. */
  @IsOptional()
  @IsString()
  @Matches(EMAIL_DOMAIN, { message: '$property must be a domain name (the part after "@"), not an address' })
  emailDomain?: string;
}

export class RiskContextDto implements RiskContext {
  /** The end user's IP as the customer's backend saw it. */
  @IsInetAddress() ip!: string;
  @IsOptional() @IsString() @MaxLength(1024) userAgent?: string;
  @IsOptional() @IsString() @MaxLength(256) acceptLanguage?: string;
}

export class RiskCredentialsDto implements RiskCredentials {
  /** The password is in the breached-password corpus (@kizuki/client isBreached()). */
  @IsBoolean() breached!: boolean;
  /** How often it appears in breaches. */
  @IsOptional() @IsInt() @Min(0) @Max(9_999_999_999) breachCount?: number;
}

export class RiskIdentityDto implements RiskIdentity {
  /** @kizuki/client documentHash(number): 64 lower-case hex, never the number. */
  @IsOptional() @IsString() @Matches(/^[0-9a-f]{64}$/) documentHash?: string;
}

export class RiskDto implements RiskRequest {
  @IsOptional() @IsString() @MaxLength(2048) requestToken?: string | null;
  @IsIn(RISK_EVENTS) @ChangesMatchEvent() event!: RiskEvent;
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(PROFILE_CHANGES.length)
  @ArrayUnique()
  @IsIn(PROFILE_CHANGES, { each: true })
  changes?: ProfileChange[];
  @IsIn(LOGIN_STATUSES) status!: LoginStatus;
  @IsObject() @ValidateNested() @Type(() => RiskUserDto) user!: RiskUserDto;
  @IsObject() @ValidateNested() @Type(() => RiskContextDto) context!: RiskContextDto;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => RiskCredentialsDto) credentials?: RiskCredentialsDto;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => RiskIdentityDto) identity?: RiskIdentityDto;
}
