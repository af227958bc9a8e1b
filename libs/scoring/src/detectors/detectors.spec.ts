import { reasonDetailText } from '@kizuki/contract';
import { DEFAULT_POLICY } from '../policy';
import { deviceSimilarity, matchDevice, sameMachine } from '../device/device-match';
import { distanceKm, isHostingNetwork } from '../network/geo';
import { networkPrefix } from '../network/prefix';
import {
  comparePointer,
  learnPointerProfile,
  parsePointerProfile,
  pointerBotTraits,
  POINTER_VECTOR_NAMES,
} from '../pointer';
import { rng } from '../typing/synthetic-typist';
import * as S from '../testing/scenario';
import { botDetector } from './bot.detector';
import { DEVICE_RISK, deviceDetector } from './device.detector';
import { STEALTH_RULES } from './stealth-signals';
import { networkDetector } from './network.detector';
import { pointerDetector } from './pointer.detector';
import { velocityDetector } from './velocity.detector';

const NOW = Date.UTC(2026, 5, 1);
const owner = S.makePerson(1);

describe('pointer', () => {
  const enrolled = () => S.learnedAccount(owner, 10, ['d'], NOW).pointerProfile;

  it('enrols a profile after 5 trusted trajectories of one pointer type', () => {
    let p: unknown = null;
    for (let i = 0; i < 4; i++)
      p = JSON.parse(JSON.stringify(learnPointerProfile(p, S.humanBundle(owner, 'd', i).pointer)));
    expect(parsePointerProfile(p).types.mouse!.baseline).toBeNull();
    p = JSON.parse(JSON.stringify(learnPointerProfile(p, S.humanBundle(owner, 'd', 5).pointer)));
    expect(parsePointerProfile(p).types.mouse!.baseline).not.toBeNull();
    expect(comparePointer(p, S.humanBundle(owner, 'd', 6).pointer, POINTER_VECTOR_NAMES)!.score).toBeLessThan(0.5);
  });

  it('is barely moved by one attacker login and bounded by the baseline', () => {
    const p = enrolled();
    const attacker = S.humanPointer({ ...S.makePerson(9), speed: 6, curve: 0.8, jitter: 6, clickRx: 0.95 }, rng(3));
    const after = learnPointerProfile(p, attacker);
    const before = parsePointerProfile(p).types.mouse!.adapted!;
    const moved = after.types.mouse!.adapted!;
    for (let j = 0; j < before.center.length; j++) {
      if (Number.isFinite(before.center[j]))
        expect(Math.abs(moved.center[j] - before.center[j])).toBeLessThanOrEqual(0.3 * before.scale[j] + 1e-3);
    }
    expect(after.types.mouse!.baseline).toEqual(parsePointerProfile(p).types.mouse!.baseline);
  });

  it('does not compare a touch login with a mouse profile, and treats no movement as neutral', () => {
    const p = enrolled();
    const touch = {
      ...S.humanBundle(owner, 'd', 1),
      pointer: { ...S.humanBundle(owner, 'd', 1).pointer, type: 'touch' as const, touches: 3 },
    };
    expect(comparePointer(p, touch.pointer, POINTER_VECTOR_NAMES)).toBeNull();
    const none = { ...touch, pointer: { ...touch.pointer, moves: [], eventCount: 0, clicks: [] } };
    const out = pointerDetector.run(S.scoringInput({ account: S.learnedAccount(owner, 10, ['d'], NOW), bundle: none }));
    expect(out.scores!.pointer).toBeNull();
    expect(out.evidence).toEqual([expect.objectContaining({ code: 'NO_BEHAVIOR', risk: 0 })]);
  });

  it('finds script traits: teleports, ruler-straight constant speed, clicks without movement, synthetic clicks', () => {
    const ruler = Array.from({ length: 30 }, () => [10, 5, 16]).flat();
    const base = S.humanBundle(owner, 'd', 1).pointer;
    expect(pointerBotTraits({ ...base, moves: ruler }).map((t) => t.trait)).toContain('ruler');
    expect(
      pointerBotTraits({ ...base, moves: [...ruler.slice(0, 30), 900, 400, 8, ...ruler.slice(30)] }).map(
        (t) => t.trait,
      ),
    ).toContain('teleport');
    expect(pointerBotTraits({ ...base, moves: [], eventCount: 0 }).map((t) => t.trait)).toContain('no-movement-click');
    expect(
      pointerBotTraits({ ...base, clicks: [{ ...base.clicks[0], rx: 0.5, ry: 0.5, isTrusted: false }] }).map(
        (t) => t.trait,
      ),
    ).toEqual(expect.arrayContaining(['untrusted-click']));
    expect(pointerBotTraits(base)).toEqual([]);
  });
});

describe('bot', () => {
  it('flags webdriver, instant and zero-hold typing, a metronome and a too-fast submit; not a person', () => {
    const bot = botDetector.run(
      S.scoringInput({ account: S.learnedAccount(owner, 0, ['d'], 0), bundle: S.botBundle() }),
    );
    expect(bot.evidence.map((e) => e.code)).toEqual(expect.arrayContaining(['BOT_AUTOMATION', 'BOT_BEHAVIOR']));
    expect(bot.evidence.map((e) => reasonDetailText(e.detail)).join(' ')).toMatch(
      /hold ≤ 1 ms[\s\S]*15 ms[\s\S]*after the page loaded/,
    );
    const metro = S.humanBundle(owner, 'd', 1);
    metro.typing.fields[0].keys = Array.from({ length: 10 }, (_, i) => ({
      d: i * 120,
      u: i * 120 + 80,
      c: 'char' as const,
    }));
    expect(
      reasonDetailText(
        botDetector.run(S.scoringInput({ account: S.learnedAccount(owner, 0, ['d'], 0), bundle: metro })).evidence[0]
          .detail,
      ),
    ).toMatch(/machine-regular/);
    for (let i = 0; i < 20; i++) {
      expect(
        botDetector.run(
          S.scoringInput({
            account: S.learnedAccount(owner, 0, ['d'], 0),
            bundle: S.humanBundle(S.makePerson(i), 'd', i),
          }),
        ).evidence,
      ).toEqual([]);
    }
  });
});

describe('stealth signals', () => {
  it('turns each known SDK stealth signal into BOT_AUTOMATION with its own detail, without any history', () => {
    const bundle = S.humanBundle(owner, 'd', 1);
    bundle.automation.stealth = [
      'patched_webdriver',
      'notification_state',
      'unknown_future_signal',
      'patched_webdriver',
    ];
    const input = S.scoringInput({ account: S.learnedAccount(owner, 0, ['d'], 0), bundle });
    const out = botDetector.run(input);
    expect(out.evidence.map((e) => [e.code, e.risk])).toEqual([
      ['BOT_AUTOMATION', STEALTH_RULES.patched_webdriver.risk],
      ['BOT_AUTOMATION', STEALTH_RULES.notification_state.risk],
    ]);
    expect(reasonDetailText(out.evidence[0].detail)).toMatch(/webdriver's getter[\s\S]*\(patched_webdriver\)/);
    expect(reasonDetailText(out.evidence[1].detail)).toContain('(notification_state)');
    // older SDKs send no list; a malformed one is ignored
    delete bundle.automation.stealth;
    expect(botDetector.run(input).evidence).toEqual([]);
    (bundle.automation as { stealth?: unknown }).stealth = 'patched_webdriver';
    expect(botDetector.run(input).evidence).toEqual([]);
  });
});

describe('stealth signals without history (DevTools protocol, geometry, WebGL, behaviour)', () => {
  const run = (stealth: string[]) => {
    const bundle = S.humanBundle(owner, 'd', 1);
    bundle.automation.stealth = stealth;
    return botDetector.run(S.scoringInput({ account: S.learnedAccount(owner, 0, ['d'], 0), bundle })).evidence;
  };
  it('gives each its own detail; behaviour is BOT_BEHAVIOR', () => {
    const out = run(['cdp_runtime', 'window_geometry', 'webgl_platform', 'first_input_fast', 'pointer_while_typing']);
    expect(out.map((e) => [e.code, e.risk])).toEqual([
      ['BOT_AUTOMATION', STEALTH_RULES.cdp_runtime.risk],
      ['BOT_AUTOMATION', STEALTH_RULES.window_geometry.risk],
      ['BOT_AUTOMATION', STEALTH_RULES.webgl_platform.risk],
      ['BOT_BEHAVIOR', STEALTH_RULES.first_input_fast.risk],
      ['BOT_BEHAVIOR', STEALTH_RULES.pointer_while_typing.risk],
    ]);
    expect(reasonDetailText(out[0].detail)).toMatch(/DevTools-protocol[\s\S]*\(cdp_runtime\)$/);
    expect(reasonDetailText(out[3].detail)).toContain('(first_input_fast)');
  });
  it('counts a software GPU only beside another signal (VMs and remote desktops have one)', () => {
    expect(run(['webgl_software'])).toEqual([]);
    expect(run(['webgl_software', 'cdp_runtime']).map((e) => e.detail.params?.signal)).toEqual([
      'webgl_software',
      'cdp_runtime',
    ]);
  });
});

describe('device familiarity', () => {
  const account = S.learnedAccount(owner, 0, ['d'], 0);
  const run = (device: ReturnType<typeof S.knownDevice>) =>
    deviceDetector.run(S.scoringInput({ account, device, bundle: S.humanBundle(owner, 'd', 1) })).evidence;
  it('reads a device the account trusts as known, and one whose logins were never trusted as new', () => {
    expect(run(S.knownDevice('d')).map((e) => [e.code, e.risk])).toEqual([['KNOWN_DEVICE', 0]]);
    // a thief's second try from the device whose first login was denied or not passed its challenge
    for (const status of ['new', 'pending'] as const) {
      const out = run({ ...S.knownDevice('d'), status });
      expect(out.map((e) => [e.code, e.risk])).toEqual([['NEW_DEVICE', DEVICE_RISK.newDevice]]);
      expect(reasonDetailText(out[0].detail)).toContain('none of its logins was trusted');
    }
    expect(run(S.newDevice('x')).map((e) => [e.code, reasonDetailText(e.detail)])).toEqual([
      ['NEW_DEVICE', 'This account has never logged in from this device.'],
    ]);
  });
});

describe('device matching', () => {
  const a = S.deviceComponents('laptop-1');
  it('matches the same device after a browser update changed a few components', () => {
    const updated = { ...a, canvas: 'new', webgl: 'new', audio: 'new' };
    expect(deviceSimilarity(a, updated)!).toBeGreaterThan(0.8);
    const m = matchDevice(
      updated,
      [
        { id: 'x', components: a, status: 'trusted' },
        { id: 'y', components: S.deviceComponents('other-pc-77'), status: 'trusted' },
      ],
      0.8,
    );
    expect(m).toMatchObject({ id: 'x', status: 'trusted' });
  });
  it('does not match another device, a fraud device, or too few components', () => {
    const other = {
      ...a,
      platform: 'MacIntel',
      screen: '2560x1600',
      hardwareConcurrency: 10,
      deviceMemory: 16,
      canvas: 'z',
      webgl: 'z',
      fonts: 'z',
    };
    expect(matchDevice(other, [{ id: 'x', components: a, status: 'trusted' }], 0.8)).toBeNull();
    expect(matchDevice(a, [{ id: 'x', components: a, status: 'fraud' }], 0.8)).toBeNull();
    expect(deviceSimilarity({ a: 1 }, { a: 1 })).toBeNull();
  });
  it('never fuzzy-matches another machine, however alike the browser components (same OS image, fonts, GPU)', () => {
    // another machine of the same model line: only the memory differs, everything volatile is equal
    const twin = { ...a, deviceMemory: a.deviceMemory === 8 ? 4 : 8 };
    expect(deviceSimilarity(a, twin)!).toBeGreaterThan(0.8);
    expect(sameMachine(a, twin)).toBe(false);
    expect(matchDevice(twin, [{ id: 'x', components: a, status: 'trusted' }], 0.8)).toBeNull();
    // too few machine components to tell
    const bare = { canvas: 'c', webgl: 'w', audio: 'a', fonts: 'f', vendor: 'v' };
    expect(matchDevice(bare, [{ id: 'x', components: bare, status: 'trusted' }], 0.8)).toBeNull();
    // flattened FingerprintJS objects weigh by their name: canvas.* is volatile, touchSupport.* a machine trait
    const fp = {
      platform: 'Linux x86_64',
      screenResolution: '[1920,1080]',
      hardwareConcurrency: 8,
      'touchSupport.maxTouchPoints': 0,
      'canvas.text': 't1',
      'canvas.geometry': 'g1',
    };
    expect(
      matchDevice({ ...fp, 'canvas.text': 't2' }, [{ id: 'x', components: fp, status: 'trusted' }], 0.8),
    ).toMatchObject({ id: 'x' });
    expect(
      matchDevice({ ...fp, 'touchSupport.maxTouchPoints': 10 }, [{ id: 'x', components: fp, status: 'trusted' }], 0.8),
    ).toBeNull();
  });
});

describe('network', () => {
  const account = S.learnedAccount(owner, 5, ['d'], NOW - 3_600_000);
  const run = (network: Partial<typeof S.TOKYO>, acc = account) =>
    networkDetector
      .run(S.scoringInput({ account: acc, network: { ...S.TOKYO, ...network } }))
      .evidence.map((e) => e.code);

  it('knows great-circle distances and hosting networks', () => {
    expect(distanceKm(35.69, 139.69, 51.5, -0.13)).toBeGreaterThan(9500);
    expect(distanceKm(35.69, 139.69, 51.5, -0.13)).toBeLessThan(9650);
    expect(isHostingNetwork(16509, null)).toBe(true);
    expect(isHostingNetwork(64500, 'Example Hosting Ltd')).toBe(true);
    expect(isHostingNetwork(2516, 'KDDI CORPORATION')).toBe(false);
  });

  it('NEW_COUNTRY, FOREIGN_IP_AND_LANGUAGE, IMPOSSIBLE_TRAVEL, TOR_EXIT, DATACENTER_IP', () => {
    expect(run({})).toEqual([]);
    expect(run({ country: 'GB', lat: 51.5, lon: -0.13 })).toEqual(['NEW_COUNTRY', 'IMPOSSIBLE_TRAVEL']);
    expect(run({ country: 'GB', language: 'en', lat: null, lon: null })).toEqual([
      'NEW_COUNTRY',
      'FOREIGN_IP_AND_LANGUAGE',
    ]);
    expect(run({ tor: true, asn: 16509, asnOrg: 'AMAZON-02' })).toEqual(['TOR_EXIT', 'DATACENTER_IP']);
    // Osaka one hour later: 400 km, under the geo-IP error floor
    expect(run({ lat: 34.69, lon: 135.5 })).toEqual([]);
    // a first login has no history: nothing is "new"
    expect(
      run({ country: 'GB', language: 'en' }, { ...account, countries: [], languages: [], lastLogin: null }),
    ).toEqual([]);
  });

  it('reduces an address to its network: IPv4 /24, IPv6 /48, IPv4-mapped as IPv4', () => {
    expect(networkPrefix('73.1.5.77')).toBe('73.1.5.0/24');
    expect(networkPrefix(' 73.1.5.1 ')).toBe('73.1.5.0/24');
    expect(networkPrefix('2001:DB8:0:12::1')).toBe('2001:db8:0::/48');
    expect(networkPrefix('2001:db8:abcd:1:2:3:4:5')).toBe('2001:db8:abcd::/48');
    expect(networkPrefix('2001:db8::')).toBe('2001:db8:0::/48');
    expect(networkPrefix('fe80::1%eth0')).toBe('fe80:0:0::/48');
    expect(networkPrefix('::ffff:73.1.5.77')).toBe('73.1.5.0/24');
    for (const bad of ['', 'x', '1.2.3', '1.2.3.256', '1:2:3', '1::2::3', '1:2:3:4:5:6:7:8:9', 'g::1', null, undefined])
      expect(networkPrefix(bad)).toBeNull();
  });

  it('NEW_NETWORK: weak on a known device, the second sign with a new device, nothing without history', () => {
    const input = (ip: string, device: ReturnType<typeof S.newDevice> | null, acc = account) =>
      networkDetector
        .run(S.scoringInput({ account: acc, device, network: { ...S.TOKYO, ip } }))
        .evidence.filter((e) => e.code === 'NEW_NETWORK');
    expect(account.networks).toEqual(['203.0.113.0/24']);
    // the usual network, another address in it
    expect(input('203.0.113.200', S.newDevice('n'))).toEqual([]);
    // a café on the owner's laptop: information, not a challenge
    expect(input('198.51.100.7', S.knownDevice('d'))).toEqual([
      expect.objectContaining({ risk: 0.05, category: 'takeover' }),
    ]);
    // a device new to the account on a network the account never used
    const both = input('198.51.100.7', S.newDevice('n'));
    expect(both).toEqual([expect.objectContaining({ risk: 0.25, category: 'takeover' })]);
    expect(reasonDetailText(both[0].detail)).toContain('198.51.100.0/24');
    // no learned networks yet (enrolled before networks were learned) or a first login: unknown, not new
    expect(input('198.51.100.7', S.newDevice('n'), { ...account, networks: [] })).toEqual([]);
    expect(input('198.51.100.7', S.newDevice('n'), { ...account, networks: undefined })).toEqual([]);
    expect(input('198.51.100.7', S.newDevice('n'), { ...account, isNew: true })).toEqual([]);
    // an unparsable address says nothing
    expect(input('unknown', S.newDevice('n'))).toEqual([]);
  });
});

describe('velocity', () => {
  const run = (v: Partial<typeof S.QUIET>) =>
    velocityDetector.run(
      S.scoringInput({ account: S.learnedAccount(owner, 0, ['d'], 0), velocity: { ...S.QUIET, ...v } }),
    ).evidence;
  it('needs many accounts AND mostly failures from an IP', () => {
    expect(run({ ipAccounts: 100, ipLogins: 120, ipFailures: 15 })).toEqual([]);
    expect(run({ ipAccounts: 8, ipLogins: 9, ipFailures: 7 })[0]).toMatchObject({
      code: 'CREDENTIAL_STUFFING',
      risk: 0.5,
    });
    expect(run({ deviceAccounts: 5 })[0]).toMatchObject({ code: 'CREDENTIAL_STUFFING', risk: 0.5 });
    expect(run({ deviceAccounts: 15 })[0].risk).toBeGreaterThanOrEqual(DEFAULT_POLICY.denyNeedsRisk);
    expect(run({ asnAccounts: 150, asnLogins: 200, asnFailures: 190 })[0]).toMatchObject({
      code: 'CREDENTIAL_STUFFING',
      risk: 0.3,
    });
  });
});
