import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AutomationDto } from './collect.dto';

// The stealth list is optional (older SDKs omit it), capped, and strings only, like the other lists.
function problems(automation: Record<string, unknown>): string[] {
  const dto = plainToInstance(AutomationDto, automation);
  return validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }).map((e) => e.property);
}

describe('AutomationDto stealth', () => {
  const base = { webdriver: false, bot: false, signals: [], untrustedEvents: 0 };

  it('accepts a bundle without it and one with a short list of names', () => {
    expect(problems(base)).toEqual([]);
    expect(problems({ ...base, stealth: ['patched_webdriver', 'notification_state'] })).toEqual([]);
  });

  it('rejects too many names, non-strings and over-long names', () => {
    expect(problems({ ...base, stealth: Array.from({ length: 33 }, (_, i) => `s${i}`) })).not.toEqual([]);
    expect(problems({ ...base, stealth: [1] })).not.toEqual([]);
    expect(problems({ ...base, stealth: ['x'.repeat(65)] })).not.toEqual([]);
    expect(problems({ ...base, stealth: 'patched_webdriver' })).not.toEqual([]);
  });
});
