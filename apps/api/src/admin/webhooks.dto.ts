import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  MaxLength,
} from 'class-validator';
import { WEBHOOK_EVENTS, type WebhookEventType } from '@kizuki/contract';

export class CreateWebhookDto {
  @IsString() @Length(8, 2048) url!: string;
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENTS.length)
  @IsIn(WEBHOOK_EVENTS, { each: true })
  events!: WebhookEventType[];
  @IsOptional() @IsString() @MaxLength(200) description?: string;
}

export class UpdateWebhookDto {
  @IsOptional() @IsString() @Length(8, 2048) url?: string;
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENTS.length)
  @IsIn(WEBHOOK_EVENTS, { each: true })
  events?: WebhookEventType[];
  @IsOptional() @IsString() @MaxLength(200) description?: string;
  @IsOptional() @IsBoolean() enabled?: boolean;
}

export class DeliveriesQueryDto {
  @IsOptional() @IsUUID() endpoint?: string;
  @IsOptional() @IsString() @MaxLength(200) cursor?: string;
}
