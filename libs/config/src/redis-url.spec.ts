import { ConfigError, loadConfig } from './config.schema';
import { parseRedisUrl } from './redis-url';

describe('parseRedisUrl', () => {
  it('reads one server with its credentials, TLS and default port', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6379', false)).toEqual({
      cluster: false,
      nodes: [{ host: '127.0.0.1', port: 6379 }],
      tls: false,
    });
    expect(parseRedisUrl('rediss://kizuki:p%40ss@redis.internal/2', false)).toEqual({
      cluster: false,
      nodes: [{ host: 'redis.internal', port: 6379 }],
      username: 'kizuki',
      password: 'p@ss',
      tls: true,
    });
    expect(parseRedisUrl('redis://:secret@[::1]:7000', false)).toMatchObject({
      nodes: [{ host: '::1', port: 7000 }],
      password: 'secret',
    });
  });

  it('reads the seed nodes of a cluster', () => {
    expect(parseRedisUrl('redis://:pw@h1:7000,h2:7001,10.0.0.3', true)).toEqual({
      cluster: true,
      nodes: [
        { host: 'h1', port: 7000 },
        { host: 'h2', port: 7001 },
        { host: '10.0.0.3', port: 6379 },
      ],
      password: 'pw',
      tls: false,
    });
  });

  it('refuses what it cannot mean', () => {
    expect(() => parseRedisUrl('http://h1:6379', false)).toThrow(/redis:\/\//);
    expect(() => parseRedisUrl('redis://h1:7000,h2:7001', false)).toThrow(/2 nodes: set REDIS_CLUSTER=true/);
    expect(() => parseRedisUrl('redis://h1:7000,h2:7001/3', true)).toThrow(/only database 0/);
    expect(() => parseRedisUrl('redis://h1:70000', true)).toThrow(/valid port/);
    expect(() => parseRedisUrl('redis://h1:7000,,h2', true)).toThrow(/not host:port/);
    expect(() => parseRedisUrl('redis://h1:7000/x', false)).toThrow(/not a number/);
    expect(() => parseRedisUrl('redis://h1:7000?family=6', false)).toThrow(/query/);
  });

  it('is checked when the configuration loads, naming REDIS_URL', () => {
    const secret = 'x'.repeat(32);
    const several = 'redis://127.0.0.1:7000,127.0.0.1:7001';
    expect(() => loadConfig({ KIZUKI_SECRET: secret, REDIS_URL: several })).toThrow(ConfigError);
    expect(() => loadConfig({ KIZUKI_SECRET: secret, REDIS_URL: several })).toThrow(/REDIS_URL: names 2 nodes/);
    const c = loadConfig({ KIZUKI_SECRET: secret, REDIS_URL: several, REDIS_CLUSTER: 'true' });
    expect([c.REDIS_CLUSTER, c.REDIS_URL]).toEqual([true, several]);
    expect(loadConfig({ KIZUKI_SECRET: secret }).REDIS_CLUSTER).toBe(false);
  });
});
