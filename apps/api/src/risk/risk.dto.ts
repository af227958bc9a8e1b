import {
  LOGIN_STATUSES,
  type LoginStatus,
  type RiskContext,
  type RiskCredentials,
  type RiskIdentity,
  type RiskRequest,
  type RiskUser,
} from '@kizuki/contract';
import { Type } from 'class-transformer';
import { IsInetAddress } from '../common/inet';
import {
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
  ValidateNested,
} from 'class-validator';

export class RiskUserDto implements RiskUser {
  /** The customer's own user id (e-mail, login name, number as string). Pseudonymised at once, never stored. */
  @IsString() @Length(1, 256) id!: string;
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
  @IsIn(['login']) event!: 'login';
  @IsIn(LOGIN_STATUSES) status!: LoginStatus;
  @IsObject() @ValidateNested() @Type(() => RiskUserDto) user!: RiskUserDto;
  @IsObject() @ValidateNested() @Type(() => RiskContextDto) context!: RiskContextDto;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => RiskCredentialsDto) credentials?: RiskCredentialsDto;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => RiskIdentityDto) identity?: RiskIdentityDto;
}
