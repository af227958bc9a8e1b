import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BreachedLineParser, MAX_BREACH_COUNT } from './breached';

async function parse(chunks: string[]): Promise<string> {
  let out = '';
  const sink = new Writable({
    write(c: Buffer, _e, done) {
      out += c.toString();
      done();
    },
  });
  await pipeline(Readable.from(chunks.map((c) => Buffer.from(c, 'latin1'))), new BreachedLineParser(), sink);
  return out;
}

describe('BreachedLineParser', () => {
  const H = '21BD12DC183F740EE76F27B78EB39C8AD972A757';

  it('turns HASH:COUNT lines (CRLF or LF, any case, split anywhere) into prefix, suffix and count rows', async () => {
    const zero = H.toLowerCase().replace('21bd1', '00000');
    const text = `\xEF\xBB\xBF${H}:52256179\r\n${zero}:3\n# comment\n\n${H.replace('21BD1', 'FFFFF')}`;
    const rows = (await parse([text.slice(0, 7), text.slice(7, 50), text.slice(50)])).trim().split('\n');
    expect(rows).toEqual([
      `${0x21bd1}\t${H.slice(5)}\t52256179`,
      `0\t${H.slice(5)}\t3`,
      `${0xfffff}\t${H.slice(5)}\t1`,
    ]);
  });

  it('clamps counts that do not fit the answer width', async () => {
    expect(await parse([`${H}:123456789012`])).toBe(`${0x21bd1}\t${H.slice(5)}\t${MAX_BREACH_COUNT}\n`);
  });

  it('stops at the first line that is not a SHA-1 hash, with its number', async () => {
    await expect(parse([`${H}:1\n${H.slice(1)}:2\n`])).rejects.toThrow('line 2: not a SHA-1 HASH:COUNT line');
    await expect(parse([`${H}:1\n${H}\t2\n`])).rejects.toThrow('line 2');
  });
});
