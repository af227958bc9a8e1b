import { checkWebhookTarget, isPrivateAddress } from './webhook-target';

describe('isPrivateAddress: decided on the parsed address, not its spelling', () => {
  it.each([
    '::127.0.0.1',
    '::7f00:1', // IPv4-compatible loopback
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '0:0:0:0:0:ffff:7f00:1', // mapped
    '::ffff:0:7f00:1',
    '::ffff:0:127.0.0.1',
    '::ffff:0:a9fe:a9fe', // translated (loopback, metadata)
    '64:ff9b::10.0.0.1',
    '64:ff9b::a9fe:a9fe', // NAT64 of private addresses
    '::ffff:8.8.8.8',
    '::8.8.8.8', // an embedded public address is still no target
    '127.0.0.1',
    '169.254.169.254',
    '::1',
    '0:0:0:0:0:0:0:1',
    'fe80::1',
    'FD00::1',
    'not an address',
    'fe80::1%eth0',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946', '2001:4860:4860::8888'])('allows %s', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  it('refuses URLs that spell a private IPv4 address as IPv6 (the URL parser rewrites them first)', async () => {
    for (const url of [
      'http://[::127.0.0.1]:18080/',
      'http://[::ffff:0:7f00:1]/',
      'http://[::ffff:0:127.0.0.1]/',
      'http://[64:ff9b::169.254.169.254]/',
      'http://[0:0:0:0:0:ffff:10.0.0.1]/',
    ]) {
      expect([url, await checkWebhookTarget(url, false)]).toEqual([url, expect.objectContaining({ ok: false })]);
    }
    expect(await checkWebhookTarget('http://[2001:4860:4860::8888]/', false)).toMatchObject({
      ok: true,
      addresses: [{ address: '2001:4860:4860::8888', family: 6 }],
    });
  });
});
