import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DEFAULT_POLICY, DETECTOR_NAMES, LIFECYCLE_EVENTS } from '@kizuki/scoring';
import { PolicyDto } from '../admin.dto';

// The console sends back every detector and event the policy has: the form's DTO must take each
// (a detector added to the engine but not here made every save of the policy a 400).
describe('PolicyDto', () => {
  const check = (body: unknown) =>
    validateSync(plainToInstance(PolicyDto, body), { whitelist: true, forbidNonWhitelisted: true }).map((e) =>
      JSON.stringify(e.children?.length ? e.children.map((c) => `${e.property}.${c.property}`) : e.property),
    );

  it('takes every detector switch and every event threshold of the engine', () => {
    const { thresholds, fallbackDecision, shadowMode, events } = DEFAULT_POLICY;
    const detectors = Object.fromEntries(DETECTOR_NAMES.map((d) => [d, false]));
    expect(check({ thresholds, events, fallbackDecision, shadowMode, detectors })).toEqual([]);
    expect(LIFECYCLE_EVENTS.every((e) => e in events)).toBe(true);
  });

  it('refuses an unknown detector or event and an out-of-range threshold', () => {
    const { thresholds, fallbackDecision, shadowMode } = DEFAULT_POLICY;
    expect(check({ thresholds, fallbackDecision, shadowMode, detectors: { nope: true } })).toEqual([
      JSON.stringify(['detectors.nope']),
    ]);
    const events = { logout: { challenge: 1, deny: 2 }, registration: { challenge: 0, deny: 101 } };
    expect(check({ thresholds, fallbackDecision, shadowMode, detectors: {}, events })).toEqual([
      JSON.stringify(['events.logout', 'events.registration']),
    ]);
  });
});
