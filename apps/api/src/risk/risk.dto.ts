import { Type } from 'class-transformer';
import { IsInetAddress } from '../common/inet';
import { IsIn, IsObject, IsOptional, IsString, Length, MaxLength, ValidateNested } from 'class-validator';

export class RiskUserDto {
  /** The customer's own user id (e-mail, login name, number as string). Pseudonymised at once, never stored. */
  @IsString() @Length(1, 256) id!: string;
}

export class RiskContextDto {
  /** The end user's IP as the customer's backend saw it. */
  @IsInetAddress() ip!: string;
  @IsOptional() @IsString() @MaxLength(1024) userAgent?: string;
  @IsOptional() @IsString() @MaxLength(256) acceptLanguage?: string;
}

export class RiskDto {
  @IsOptional() @IsString() @MaxLength(2048) requestToken?: string;
  @IsIn(['login']) event!: 'login';
  @IsIn(['attempted', 'succeeded', 'failed']) status!: 'attempted' | 'succeeded' | 'failed';
  @IsObject() @ValidateNested() @Type(() => RiskUserDto) user!: RiskUserDto;
  @IsObject() @ValidateNested() @Type(() => RiskContextDto) context!: RiskContextDto;
}

/** The validated body as a plain object (the compiled pipe checks it, it builds no class instance). */
export type RiskBody = Pick<RiskDto, 'requestToken' | 'event' | 'status'> & { user: RiskUserDto; context: RiskContextDto };
