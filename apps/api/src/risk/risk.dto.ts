import { LOGIN_STATUSES, type LoginStatus, type RiskContext, type RiskRequest, type RiskUser } from '@kizuki/contract';
import { Type } from 'class-transformer';
import { IsInetAddress } from '../common/inet';
import { IsIn, IsObject, IsOptional, IsString, Length, MaxLength, ValidateNested } from 'class-validator';

export class RiskUserDto implements RiskUser {
  /** The customer's own user id (e-mail, login name, number as string). Pseudonymised at once, never stored. */
  @IsString() @Length(1, 256) id!: string;
  /** Display label (optional): sealed per tenant, for the console only (docs/security.md). */
  @IsOptional() @IsString() @MaxLength(254) email?: string;
  @IsOptional() @IsString() @MaxLength(200) name?: string;
  @IsOptional() @IsString() @MaxLength(200) label?: string;
}

export class RiskContextDto implements RiskContext {
  /** The end user's IP as the customer's backend saw it. */
  @IsInetAddress() ip!: string;
  @IsOptional() @IsString() @MaxLength(1024) userAgent?: string;
  @IsOptional() @IsString() @MaxLength(256) acceptLanguage?: string;
}

export class RiskDto implements RiskRequest {
  @IsOptional() @IsString() @MaxLength(2048) requestToken?: string | null;
  @IsIn(['login']) event!: 'login';
  @IsIn(LOGIN_STATUSES) status!: LoginStatus;
  @IsObject() @ValidateNested() @Type(() => RiskUserDto) user!: RiskUserDto;
  @IsObject() @ValidateNested() @Type(() => RiskContextDto) context!: RiskContextDto;
}
