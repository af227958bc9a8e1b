import { ArrayMaxSize, IsArray, IsString, Matches, MaxLength } from 'class-validator';
import { APP_ID_PATTERN, SIGNAL_LIMITS } from '@kizuki/contract';

export const MAX_SOURCES = 50;

/** The whole list of each (a PUT replaces both): what the console's "Origins and apps" form sends. */
export class CollectSourcesDto {
  @IsArray()
  @ArrayMaxSize(MAX_SOURCES)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  @Matches(/^https?:\/\/[^/?#\s]+$/, { each: true, message: 'each origin must look like https://shop.example' })
  origins!: string[];

  @IsArray()
  @ArrayMaxSize(MAX_SOURCES)
  @IsString({ each: true })
  @MaxLength(SIGNAL_LIMITS.appIdLength, { each: true })
  @Matches(APP_ID_PATTERN, {
    each: true,
    message: 'each app id must be a bundle id / package name like jp.example.shop',
  })
  appIds!: string[];
}
