import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateBy,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import {
  APP_ID_PATTERN,
  APP_PLATFORMS,
  FIELD_ROLES,
  KEY_CLASSES,
  POINTER_TYPES,
  RISK_EVENTS,
  SIGNAL_BUNDLE_VERSION,
  SIGNAL_LIMITS as L,
  type AppPlatform,
  type AppSignals,
  type AutomationSignals,
  type DeviceSignals,
  type FieldRole,
  type FieldTyping,
  type KeyClass,
  type KeyEvent,
  type PageSignals,
  type PointerClick,
  type PointerSignals,
  type PointerType,
  type RiskEvent,
  type SignalBundle,
  type TouchForceSignals,
} from '@kizuki/contract';

// Implements SignalBundle (@kizuki/contract) part by part, with the caps of SIGNAL_LIMITS.
// Times are finite numbers in a sane range: a NaN/Infinity or a negative duration is refused.
const MAX_MS = 86_400_000;

/** A flat record: at most N keys, short keys, primitive values with short strings. */
function IsFlatRecord(maxKeys: number, options?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isFlatRecord',
      validator: {
        validate: (value: unknown) => {
          if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
          const entries = Object.entries(value);
          return (
            entries.length <= maxKeys &&
            entries.every(
              ([k, v]) =>
                k.length <= 64 &&
                (v === null ||
                  typeof v === 'boolean' ||
                  (typeof v === 'number' && Number.isFinite(v)) ||
                  (typeof v === 'string' && v.length <= L.componentValueLength)),
            )
          );
        },
        defaultMessage: () =>
          `$property must be an object of at most ${maxKeys} primitive values ` +
          `(strings ≤ ${L.componentValueLength} chars)`,
      },
    },
    options,
  );
}

export class SdkInfoDto {
  @IsString() @MaxLength(32) version!: string;
}

export class DeviceDto implements DeviceSignals {
  @IsString() @Matches(/^[A-Za-z0-9_-]{8,128}$/) visitorId!: string;
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9_-]{8,128}$/) storageId!: string | null;
  @IsFlatRecord(L.deviceComponents) components!: Record<string, string | number | boolean | null>;
  @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(1) confidence!: number;
}

export class AutomationDto implements AutomationSignals {
  @IsBoolean() webdriver!: boolean;
  @IsBoolean() bot!: boolean;
  @IsArray()
  @ArrayMaxSize(L.automationSignals)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  signals!: string[];
  @IsInt() @Min(0) @Max(1_000_000) untrustedEvents!: number;
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(L.automationSignals)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  stealth?: string[];
}

export class KeyEventDto implements KeyEvent {
  @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(MAX_MS) d!: number;
  @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(MAX_MS) u!: number;
  @IsIn(KEY_CLASSES) c!: KeyClass;
}

export class FieldTypingDto implements FieldTyping {
  @IsIn(FIELD_ROLES) role!: FieldRole;
  @IsArray()
  @ArrayMaxSize(L.keysPerField)
  @ValidateNested({ each: true })
  @Type(() => KeyEventDto)
  keys!: KeyEventDto[];
  @IsBoolean() pasted!: boolean;
  @IsBoolean() autofilled!: boolean;
  @IsBoolean() imeFallback!: boolean;
  @IsInt() @Min(0) @Max(100_000) inputEvents!: number;
  @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(-1) @Max(MAX_MS) startMs!: number;
}

export class TypingDto {
  @IsArray()
  @ArrayMaxSize(L.fields)
  @ValidateNested({ each: true })
  @Type(() => FieldTypingDto)
  fields!: FieldTypingDto[];
}

export class PointStartDto {
  @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(-100_000) @Max(100_000) x!: number;
  @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(-100_000) @Max(100_000) y!: number;
  @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(MAX_MS) t!: number;
}

export class PointerClickDto implements PointerClick {
  @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(MAX_MS) t!: number;
  @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(-10) @Max(10) rx!: number;
  @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(-10) @Max(10) ry!: number;
  @IsString() @MaxLength(32) target!: string;
  @IsIn(POINTER_TYPES) pointerType!: PointerType;
  @IsBoolean() isTrusted!: boolean;
}

export class ViewportDto {
  @IsInt() @Min(0) @Max(100_000) w!: number;
  @IsInt() @Min(0) @Max(100_000) h!: number;
}

export class PointerDto implements PointerSignals {
  @IsIn([...POINTER_TYPES, 'none']) type!: PointerType | 'none';
  @IsOptional() @IsObject() @ValidateNested() @Type(() => PointStartDto) start!: PointStartDto | null;
  @IsArray()
  @ArrayMaxSize(L.pointerMoveValues)
  @IsInt({ each: true })
  @Min(-100_000, { each: true })
  @Max(MAX_MS, { each: true })
  moves!: number[];
  @IsInt() @Min(0) @Max(10_000_000) eventCount!: number;
  @IsArray()
  @ArrayMaxSize(L.clicks)
  @ValidateNested({ each: true })
  @Type(() => PointerClickDto)
  clicks!: PointerClickDto[];
  @IsInt() @Min(0) @Max(1_000_000) touches!: number;
  @IsObject() @ValidateNested() @Type(() => ViewportDto) viewport!: ViewportDto;
}

export class PageDto implements PageSignals {
  @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(MAX_MS) loadToSubmitMs!: number;
  @IsInt() @Min(0) @Max(1_000_000) focusChanges!: number;
  @IsInt() @Min(0) @Max(1_000_000) blurCount!: number;
  @IsInt() @Min(0) @Max(1_000_000) visibilityChanges!: number;
  @IsString() @MaxLength(L.stringLength) path!: string;
  @IsOptional() @IsIn(RISK_EVENTS) event?: RiskEvent;
}

export class AppDto implements AppSignals {
  @IsString() @MaxLength(L.appIdLength) @Matches(APP_ID_PATTERN) id!: string;
  @IsIn(APP_PLATFORMS) platform!: AppPlatform;
  @IsOptional() @IsString() @MaxLength(64) version!: string | null;
  @IsString() @MaxLength(32) osVersion!: string;
  @IsOptional() @IsBoolean() emulator!: boolean | null;
  @IsOptional() @IsBoolean() rooted!: boolean | null;
}

export class TouchForceDto implements TouchForceSignals {
  @IsArray()
  @ArrayMaxSize(L.touchForceValues)
  @IsInt({ each: true })
  @Min(0, { each: true })
  @Max(1000, { each: true })
  force!: number[];
}

export class CollectDto implements SignalBundle {
  @IsInt() @Min(SIGNAL_BUNDLE_VERSION) @Max(SIGNAL_BUNDLE_VERSION) v!: number;
  @IsObject() @ValidateNested() @Type(() => SdkInfoDto) sdk!: SdkInfoDto;
  @IsObject() @ValidateNested() @Type(() => DeviceDto) device!: DeviceDto;
  @IsObject() @ValidateNested() @Type(() => AutomationDto) automation!: AutomationDto;
  @IsObject() @ValidateNested() @Type(() => TypingDto) typing!: TypingDto;
  @IsObject() @ValidateNested() @Type(() => PointerDto) pointer!: PointerDto;
  @IsObject() @ValidateNested() @Type(() => PageDto) page!: PageDto;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => AppDto) app?: AppDto;
  @IsOptional() @IsObject() @ValidateNested() @Type(() => TouchForceDto) touch?: TouchForceDto;
}
