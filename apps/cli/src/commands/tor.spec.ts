import { parseTorList } from './tor';

describe('tor list parsing', () => {
  it('reads bulk lists and exit-addresses files, skipping comments and junk', () => {
    const text =
      '# list\n192.0.2.1\n192.0.2.1\nExitNode ABC\n' +
      'ExitAddress 198.51.100.7 2026-01-01 00:00:00\n2001:db8::1 # v6\nnot-an-ip\n';
    expect(parseTorList(text)).toEqual(['192.0.2.1', '198.51.100.7', '2001:db8::1']);
  });
});
