import { matchDevice } from './device-match';

const phone = (model: string) => ({
  kind: 'app',
  platform: 'ios',
  osVersion: '17.5',
  model,
  locale: 'ja-JP',
  timeZone: 'Asia/Tokyo',
  screen: '390x844',
  scale: 3,
});

describe('matchDevice and app devices', () => {
  it('never matches an app device by its traits: two phones of a model look the same', () => {
    const owner = { id: 'owner-phone', components: phone('iPhone15,2'), status: 'trusted' as const };
    expect(matchDevice(phone('iPhone15,2'), [owner], 0.5)).toBeNull();
    // nor lets a browser fingerprint inherit an app device's trust
    const browser = { ...phone('x'), kind: undefined, platform: 'ios', screen: '390x844' };
    expect(matchDevice(browser, [owner], 0.5)).toBeNull();
  });

  it('still matches a browser whose fingerprint drifted', () => {
    const base = {
      platform: 'MacIntel',
      screen: '1512x982',
      hardwareConcurrency: 8,
      timezone: 'Asia/Tokyo',
      fonts: 'a',
    };
    const laptop = { id: 'laptop', components: base, status: 'trusted' as const };
    expect(matchDevice({ ...base, fonts: 'b' }, [laptop], 0.7)?.id).toBe('laptop');
  });
});
