import { ConfigError, loadConfig } from './config.schema';

const secret = 'x'.repeat(32);

describe('loadConfig', () => {
  it('applies defaults and converts numbers', () => {
    const c = loadConfig({ KIZUKI_SECRET: secret, PORT: '4100' });
    expect(c.PORT).toBe(4100);
    expect(c.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/kizuki');
    expect(c.RISK_TIMEOUT_MS).toBe(800);
    expect(c.KIZUKI_REDIS_PREFIX).toBe('{kizuki}');
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ KIZUKI_SECRET: 'short' })).toThrow(/KIZUKI_SECRET/);
    expect(() => loadConfig({ KIZUKI_SECRET: secret, PORT: 'abc' })).toThrow(/PORT/);
    expect(() => loadConfig({ KIZUKI_SECRET: secret, REDIS_URL: 'http://x' })).toThrow(ConfigError);
  });

  it('ignores unrelated environment variables', () => {
    expect(loadConfig({ KIZUKI_SECRET: secret, PATH: '/bin' }).KIZUKI_SECRET).toBe(secret);
  });
});
