import { reasonDetailText } from '@kizuki/contract';
import type { SignalBundle } from '@kizuki/contract';
import { typingDetector } from '../detectors/typing.detector';
import { learnTypingProfile } from '../typing';
import { rng, shifted, typeSample } from '../typing/synthetic-typist';
import {
  humanBundle,
  keysOf,
  makePerson,
  newDevice,
  knownDevice,
  scoringInput,
  type Person,
} from '../testing/scenario';
import { assess } from '../engine/engine';
import {
  activeTypingModalities,
  inputModality,
  learnModalTypingProfile,
  parseModalTypingProfile,
  typedModalities,
} from './index';

/** The person's phone: touch keyboard (no holds), slower flights, a touch trajectory, the app part. */
function phoneBundle(p: Person, seed: number, typist = shifted(p.typist, 1, 1.6)): SignalBundle {
  const b = humanBundle(p, 'phone-1', seed);
  const pw = typeSample(typist, rng(seed)).map((k) => ({ down: k.down, up: k.down }));
  b.typing.fields = [
    {
      role: 'password',
      keys: keysOf(pw),
      pasted: false,
      autofilled: false,
      imeFallback: false,
      inputEvents: pw.length,
      startMs: 900,
    },
  ];
  b.pointer = { ...b.pointer, type: 'touch', touches: 4, clicks: [] };
  b.app = {
    id: 'jp.example.shop',
    platform: 'ios',
    version: '2.4.1',
    osVersion: '17.5',
    emulator: false,
    rooted: null,
  };
  return b;
}

function learnAlternating(p: Person, n: number): unknown {
  let stored: unknown = null;
  for (let i = 0; i < n; i++) {
    const b = i % 2 ? phoneBundle(p, 500 + i) : humanBundle(p, 'laptop-1', 100 + i);
    stored = JSON.parse(JSON.stringify(learnModalTypingProfile(stored, b)));
  }
  return stored;
}

describe('input modality', () => {
  const p = makePerson(3);

  it('tells a touch keyboard (app, phone browser, virtual-keyboard fallback) from a physical one', () => {
    expect(inputModality(humanBundle(p, 'd', 1))).toEqual({ typing: 'physical_keyboard', pointer: 'mouse' });
    expect(inputModality(phoneBundle(p, 1))).toEqual({ typing: 'touch_keyboard', pointer: 'touch' });
    const phoneBrowser = humanBundle(p, 'd', 2);
    phoneBrowser.pointer = { ...phoneBrowser.pointer, type: 'touch', touches: 2 };
    expect(inputModality(phoneBrowser).typing).toBe('touch_keyboard');
    const ime = humanBundle(p, 'd', 3);
    ime.typing.fields[0].imeFallback = true;
    expect(inputModality(ime).typing).toBe('touch_keyboard');
    expect(inputModality(null)).toEqual({ typing: null, pointer: null });
  });

  it('learns each modality only from its own logins; a stored keyboard-era profile is the physical one', () => {
    const stored = learnAlternating(p, 20);
    const modal = parseModalTypingProfile(stored);
    expect(modal.modalities.physical_keyboard?.password?.count).toBe(10);
    expect(modal.modalities.touch_keyboard?.password?.count).toBe(10);
    expect(activeTypingModalities(stored).sort()).toEqual(['physical_keyboard', 'touch_keyboard']);

    let legacy: unknown = null;
    for (let i = 0; i < 6; i++) legacy = learnTypingProfile(legacy, humanBundle(p, 'l', 40 + i).typing.fields);
    expect(activeTypingModalities(legacy)).toEqual(['physical_keyboard']);
  });

  it('judges a first phone login on device and network, not on the keyboard profile', () => {
    let keyboardOnly: unknown = null;
    for (let i = 0; i < 10; i++)
      keyboardOnly = learnModalTypingProfile(keyboardOnly, humanBundle(p, 'laptop-1', 10 + i));
    const account = { ...learnedAccountShape(), typingProfile: keyboardOnly };
    const r = typingDetector.run(scoringInput({ account, bundle: phoneBundle(p, 77), device: newDevice('phone-1') }));
    expect(r.scores?.typing).toBeNull();
    expect(r.evidence.map((e) => e.code)).toEqual(['NO_BEHAVIOR']);
    expect(reasonDetailText(r.evidence[0].detail)).toMatch(/touch keyboard.*physical keyboard/);
  });

  it('challenges a new device that is the account’s first of its kind, on the owner’s network alone', () => {
    let keyboardOnly: unknown = null;
    for (let i = 0; i < 10; i++)
      keyboardOnly = learnModalTypingProfile(keyboardOnly, humanBundle(p, 'laptop-1', 10 + i));
    expect(typedModalities(keyboardOnly)).toEqual(['physical_keyboard']);
    const account = { ...learnedAccountShape(), typingProfile: keyboardOnly };
    const firstPhone = assess(scoringInput({ account, bundle: phoneBundle(p, 78), device: newDevice('phone-1') }));
    expect(firstPhone.decision).toBe('challenge');
    const newDevice0 = firstPhone.evidence.find((e) => e.code === 'NEW_DEVICE');
    expect(newDevice0?.risk).toBe(0.45);
    expect(reasonDetailText(newDevice0!.detail)).toMatch(
      /nor typed on a touch keyboard before \(only on a physical keyboard\)/,
    );
    // the same phone once trusted, a new laptop, and a new phone of an account with phone history: 0.25
    const known = assess(scoringInput({ account, bundle: phoneBundle(p, 79), device: knownDevice('phone-1') }));
    expect(known.evidence.find((e) => e.code === 'NEW_DEVICE')).toBeUndefined();
    const laptop = assess(scoringInput({ account, bundle: humanBundle(p, 'l2', 80), device: newDevice('laptop-2') }));
    expect(laptop.evidence.find((e) => e.code === 'NEW_DEVICE')?.risk).toBe(0.25);
    const both = { ...account, typingProfile: learnAlternating(p, 20) };
    const second = assess(scoringInput({ account: both, bundle: phoneBundle(p, 902), device: newDevice('phone-2') }));
    expect(second.evidence.find((e) => e.code === 'NEW_DEVICE')?.risk).toBe(0.25);
    // no typing history at all (password manager, or before the SDK): nothing to be new against
    const none = assess(
      scoringInput({ account: learnedAccountShape(), bundle: phoneBundle(p, 81), device: newDevice('phone-3') }),
    );
    expect(none.evidence.find((e) => e.code === 'NEW_DEVICE')?.risk).toBe(0.25);
  });

  it('keeps both rhythms of an alternating owner allowed, and flags another person on a new phone', () => {
    const stored = learnAlternating(p, 20);
    const account = { ...learnedAccountShape(), typingProfile: stored };
    const own = [
      typingDetector.run(
        scoringInput({ account, bundle: humanBundle(p, 'laptop-1', 901), device: knownDevice('laptop-1') }),
      ),
      typingDetector.run(scoringInput({ account, bundle: phoneBundle(p, 902), device: knownDevice('phone-1') })),
    ];
    for (const r of own) expect(r.evidence.find((e) => e.code === 'TYPING_MISMATCH')).toBeUndefined();

    const intruder = makePerson(11);
    const takeover = phoneBundle(intruder, 903, shifted(intruder.typist, 1, 1.6));
    const r = typingDetector.run(scoringInput({ account, bundle: takeover, device: newDevice('phone-9') }));
    expect(r.scores?.typing).toBeGreaterThan(0.5);
    expect(r.evidence.find((e) => e.code === 'TYPING_MISMATCH')?.risk).toBeGreaterThanOrEqual(0.3);
  });
});

function learnedAccountShape() {
  return {
    isNew: false,
    loginCount: 20,
    trustedLogins: 20,
    typingProfile: null as unknown,
    pointerProfile: null,
    countries: ['JP'],
    languages: ['ja'],
    networks: ['203.0.113.0/24'],
    lastLogin: null,
  };
}
