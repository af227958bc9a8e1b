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
    expect(() => loadConfig({ KIZUKI_SECRET: secret, DATABASE_READ_URL: 'mysql://replica/kizuki' })).toThrow(
      /DATABASE_READ_URL/,
    );
  });

  it('takes a read replica for the console only when one is named', () => {
    expect(loadConfig({ KIZUKI_SECRET: secret }).DATABASE_READ_URL).toBe('');
    expect(
      loadConfig({ KIZUKI_SECRET: secret, DATABASE_READ_URL: 'postgres://reader@replica:5432/kizuki' })
        .DATABASE_READ_URL,
    ).toBe('postgres://reader@replica:5432/kizuki');
  });

  it('scores risk calls in the worker unless told to score them inline, and refuses other places', () => {
    expect(loadConfig({ KIZUKI_SECRET: secret }).RISK_SCORING).toBe('worker');
    expect(loadConfig({ KIZUKI_SECRET: secret, RISK_SCORING: 'inline' }).RISK_SCORING).toBe('inline');
    expect(() => loadConfig({ KIZUKI_SECRET: secret, RISK_SCORING: 'api' })).toThrow(/RISK_SCORING/);
    expect(
      loadConfig({ KIZUKI_SECRET: secret, RISK_INLINE_MAX_LOOP_UTILIZATION: '0.9' }).RISK_INLINE_MAX_LOOP_UTILIZATION,
    ).toBe(0.9);
    expect(() => loadConfig({ KIZUKI_SECRET: secret, RISK_INLINE_MAX_LOOP_UTILIZATION: '1.5' })).toThrow(
      /RISK_INLINE_MAX_LOOP_UTILIZATION/,
    );
  });

  it('ignores unrelated environment variables', () => {
    expect(loadConfig({ KIZUKI_SECRET: secret, PATH: '/bin' }).KIZUKI_SECRET).toBe(secret);
  });
});
