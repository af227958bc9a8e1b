import { one, parseFlags, UsageError } from './args';

describe('parseFlags', () => {
  it('collects repeated flags, inline values and positionals', () => {
    const p = parseFlags([
      'tenants',
      'create',
      '--name',
      'Acme',
      '--origin',
      'https://a',
      '--origin=https://b',
      '--dry',
    ]);
    expect(p.positional).toEqual(['tenants', 'create']);
    expect(p.flags).toEqual({ name: ['Acme'], origin: ['https://a', 'https://b'], dry: ['true'] });
    expect(one(p.flags, 'name')).toBe('Acme');
    expect(() => one(p.flags, 'email')).toThrow(UsageError);
  });
});
