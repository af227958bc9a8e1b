import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BreachedLineParser, MAX_BREACH_COUNT } from './breached';

async function parse(chunks: string[], parser = new BreachedLineParser()): Promise<string> {
  let out = '';
  const sink = new Writable({
    write(c: Buffer, _e, done) {
      out += c.toString();
      done();
    },
  });
  await pipeline(Readable.from(chunks.map((c) => Buffer.from(c, 'latin1'))), parser, sink);
  return out;
}

describe('BreachedLineParser', () => {
  const H = '21BD12DC183F740EE76F27B78EB39C8AD972A757';
  const S = H.slice(5);

  it('turns HASH:COUNT lines (CRLF or LF, any case, split anywhere) into one row per prefix run', async () => {
    const zero = H.toLowerCase().replace('21bd1', '00000');
    const text = `\xEF\xBB\xBF${zero}:3\r\n${H}:52256179\n# comment\n\n${H.replace('21BD1', 'FFFFF')}`;
    const parser = new BreachedLineParser();
    const rows = (await parse([text.slice(0, 7), text.slice(7, 50), text.slice(50)], parser)).trim().split('\n');
    expect(rows).toEqual([`0\t1\t${S}:3`, `${0x21bd1}\t1\t${S}:52256179`, `${0xfffff}\t1\t${S}:1`]);
    expect(parser.sorted).toBe(true);
    expect(parser.lines).toBe(3);
  });

  it('sorts a run by suffix, keeps the largest count of a duplicate, and notices a prefix in two runs', async () => {
    const a = `21BD1${'B'.repeat(35)}`;
    const b = `21BD1${'A'.repeat(35)}`;
    const parser = new BreachedLineParser();
    const out = await parse([`${a}:5\n${b}:2\n${a}:9\n${a}:1\n${H.replace('21BD1', '00001')}:1\n${b}:4\n`], parser);
    expect(out.split('\n')[0]).toBe(`${0x21bd1}\t2\t${'A'.repeat(35)}:2\\n${'B'.repeat(35)}:9`);
    expect(parser.sorted).toBe(false);
    expect(parser.lines).toBe(6);
  });

  it('clamps counts that do not fit the answer width', async () => {
    expect(await parse([`${H}:123456789012`])).toBe(`${0x21bd1}\t1\t${S}:${MAX_BREACH_COUNT}\n`);
  });

  it('stops at the first line that is not a SHA-1 hash, with its number', async () => {
    await expect(parse([`${H}:1\n${H.slice(1)}:2\n`])).rejects.toThrow('line 2: not a SHA-1 HASH:COUNT line');
    await expect(parse([`${H}:1\n${H}\t2\n`])).rejects.toThrow('line 2');
  });
});
