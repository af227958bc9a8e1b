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
    expect(() => loadConfig({ KIZUKI_SECRET: secret, DATABASE_READ_URL: 'mysql://replica/kizuki' })).toThrow(/DATABASE_READ_URL/);
  });

  it('takes a read replica for the console only when one is named', () => {
    expect(loadConfig({ KIZUKI_SECRET: secret }).DATABASE_READ_URL).toBe('');
    expect(loadConfig({ KIZUKI_SECRET: secret, DATABASE_READ_URL: 'postgres://reader@replica:5432/kizuki' }).DATABASE_READ_URL).toBe('postgres://reader@replica:5432/kizuki');
  });

  it('ignores unrelated environment variables', () => {
    expect(loadConfig({ KIZUKI_SECRET: secret, PATH: '/bin' }).KIZUKI_SECRET).toBe(secret);
  });
});
