import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { LEADS, MESSAGES_HEADER, STUDIOS, load, loadAndClose, writeExport } from '../helpers/export.ts';
import { mulberry32 } from '../helpers/random.ts';

/**
 * Hostile files (issue 12): each file reports only its own rejects, a stray quote loses one line
 * and not the rest of the file, every physical line belongs to exactly one record, and files in
 * other encodings or with other line breaks are read, never refused or crashed on.
 */

const LEADS_HEADER = 'lead_id,studio_id,phone,source,created_at';
const lead = (i: number): string => `l${i},s1,(415) 555-${String(1000 + i).padStart(4, '0')},web_form,2026-01-01T00:00:00Z`;
const leadLines = (n: number): string[] => Array.from({ length: n }, (_, i) => lead(i + 1));
const MSG = (id: string): string => `${id},s1,l1,,outbound,2026-03-02T18:00:00Z,delivered,,c1,,Palm Yoga: hi`;

describe('each file reports its own rejects', () => {
  it('counts a malformed line in leads.csv in leads.csv alone', async () => {
    const dir = await writeExport({
      'studios.csv': STUDIOS,
      'leads.csv': [LEADS_HEADER, ...leadLines(5), 'this is,total,garbage'].join('\n') + '\n',
      'messages-2026-02.csv': `${MESSAGES_HEADER}\n${MSG('a1')}\n${MSG('a2')}\n`,
      'messages-2026-03.csv': `${MESSAGES_HEADER}\n${MSG('b1')}\n`,
      'deactivations-2026-03-10.csv': 'phone\n2125550111\n',
      'deactivations-2026-03-11.csv': 'phone\n2125550112\n',
    });
    const { byFile, rejected, result } = await loadAndClose(dir);
    expect(byFile).toEqual({
      'studios.csv': { rows: 1, accepted: 1, rejected: 0, duplicates: 0 },
      'leads.csv': { rows: 6, accepted: 5, rejected: 1, duplicates: 0 },
      'messages-2026-02.csv': { rows: 2, accepted: 2, rejected: 0, duplicates: 0 },
      'messages-2026-03.csv': { rows: 1, accepted: 1, rejected: 0, duplicates: 0 },
      'deactivations-2026-03-10.csv': { rows: 1, accepted: 1, rejected: 0, duplicates: 0 },
      'deactivations-2026-03-11.csv': { rows: 1, accepted: 1, rejected: 0, duplicates: 0 },
    });
    expect(rejected).toEqual([{ file: 'leads.csv', line: 7, reason: 'too few fields: 3 where the header has 5' }]);
    expect(result.totals).toEqual({ rows: 12, accepted: 11, rejected: 1, duplicates: 0, updated: 0 });
  });
});

describe('a quote that never closes', () => {
  const STRAY = 'unterminated quote: a quoted field starts on this line and never closes (the lines after it are read as records again)';

  it('rejects the line where it starts and reads every line after it', async () => {
    const lines = [LEADS_HEADER, ...leadLines(40)];
    lines[30] = lines[30]!.replace('web_form', '"web_form'); // line 31
    const dir = await writeExport({ 'studios.csv': STUDIOS, 'leads.csv': lines.join('\n') + '\n', 'messages.csv': `${MESSAGES_HEADER}\n` });
    const { byFile, rejected } = await loadAndClose(dir);
    expect(byFile['leads.csv']).toEqual({ rows: 40, accepted: 39, rejected: 1, duplicates: 0 });
    expect(rejected).toEqual([{ file: 'leads.csv', line: 31, reason: STRAY }]);
  });

  // [case, file name, text, rows, rejected lines]: one quote left open in each.
  const long = (breaks: number): string => `"${Array.from({ length: breaks + 1 }, (_, i) => `part ${i}`).join('\n')}"`;
  const cases: [string, string, string, number, number[]][] = [
    ['on the last line, with no line break', 'leads.csv', [LEADS_HEADER, ...leadLines(3), 'l9,s1,"4155550199,web_form,2026-01-01'].join('\n'), 4, [5]],
    ['with CRLF line breaks', 'leads.csv', [LEADS_HEADER, lead(1), 'l8,"s1,4155550198,x,2026-01-01', lead(2), lead(3)].join('\r\n') + '\r\n', 4, [3]],
    ['in a gzipped file', 'leads.csv.gz', [LEADS_HEADER, '"l8,s1,4155550198,x,2026-01-01', ...leadLines(3)].join('\n') + '\n', 4, [2]],
    ['with semicolons', 'leads.csv', [LEADS_HEADER, ...leadLines(2), 'l9;s1;"4155550199;x;2026-01-01', lead(3)].join('\n').replaceAll(',', ';') + '\n', 4, [4]],
    // A quoted field may hold 100 line breaks; the 101st makes it a broken record.
    // (the 101 lines after it are records again: each a bad one here, rejected for its own reason)
    ['over more than 100 lines', 'leads.csv', [LEADS_HEADER, `l8,s1,4155550198,${long(101)},2026-01-01`, lead(1)].join('\n') + '\n', 103, [2, ...Array.from({ length: 101 }, (_, i) => i + 3)]],
    ['over 64 KB on one line', 'leads.csv', [LEADS_HEADER, `l8,s1,4155550198,"${'x'.repeat(70_000)},2026-01-01`, lead(1)].join('\n') + '\n', 2, [2]],
  ];
  it.each(cases)('%s', async (_what, name, text, rows, lines) => {
    const dir = await writeExport({ 'studios.csv': STUDIOS, [name]: name.endsWith('.gz') ? gzipSync(text) : text, 'messages.csv': `${MESSAGES_HEADER}\n` });
    const { byFile, rejected } = await loadAndClose(dir);
    expect(byFile[name]?.rows).toBe(rows);
    expect(rejected.map((r) => r.line)).toEqual(lines);
    expect(rejected[0]?.reason).toBe(STRAY);
  });

  it('pairs two stray quotes: the lines between them are one record, rejected for the text after its closing quote', async () => {
    const text = [LEADS_HEADER, lead(1), 'l8,"s1,4155550198,x,2026-01-01', lead(2), 'l9,s1,4155550199,"x,2026-01-01', lead(3)].join('\n') + '\n';
    const dir = await writeExport({ 'studios.csv': STUDIOS, 'leads.csv': text, 'messages.csv': `${MESSAGES_HEADER}\n` });
    const { byFile, rejected } = await loadAndClose(dir);
    expect(byFile['leads.csv']).toEqual({ rows: 3, accepted: 2, rejected: 1, duplicates: 0 });
    expect(rejected).toEqual([{ file: 'leads.csv', line: 3, reason: 'a quoted field has text after its closing quote' }]);
  });

  it('keeps a quoted field of 100 line breaks as one record', async () => {
    const text = [LEADS_HEADER, `l8,s1,4155550198,${long(100)},2026-01-01T00:00:00Z`, lead(1)].join('\n') + '\n';
    const dir = await writeExport({ 'studios.csv': STUDIOS, 'leads.csv': text, 'messages.csv': `${MESSAGES_HEADER}\n` });
    const { byFile, rejected, result } = await loadAndClose(dir);
    expect(byFile['leads.csv']).toEqual({ rows: 2, accepted: 2, rejected: 0, duplicates: 0 });
    expect(rejected).toEqual([]);
    expect(result.files.find((f) => f.file === 'leads.csv')?.lines).toBe(103);
  });

  it('in a carrier list of bare numbers', async () => {
    const dir = await writeExport({
      'studios.csv': STUDIOS,
      'messages.csv': `${MESSAGES_HEADER}\n`,
      'deactivations-2026-03-10.csv': '2125550111\n"2125550112\n2125550113\n',
    });
    const { byFile, rejected } = await loadAndClose(dir);
    expect(byFile['deactivations-2026-03-10.csv']).toEqual({ rows: 3, accepted: 2, rejected: 1, duplicates: 0 });
    expect(rejected).toEqual([{ file: 'deactivations-2026-03-10.csv', line: 2, reason: STRAY }]);
  });
});

/**
 * An independent reading of a CSV text, character by character: the physical line where each
 * record after the header starts. Rules: a quote opens a quoted field at a field's start or one
 * space after it; a quoted field open at the end, over 100 line breaks or over 64 KB breaks its
 * record, which is then its first line alone; a line of nothing but carriage returns is blank.
 */
function recordStarts(text: string): number[] {
  const out: number[] = [];
  let line = 1;
  let i = 0;
  let logical = 0;
  while (i < text.length) {
    logical++;
    const startLine = line;
    const start = i;
    let fieldStart = true;
    let oneSpace = false;
    let broken = false;
    while (i < text.length && text[i] !== '\n') {
      const ch = text[i];
      if (ch === '"' && (fieldStart || oneSpace)) {
        let j = i + 1;
        let breaks = 0;
        let closed = -1;
        while (j < text.length) {
          if (text[j] === '"') {
            if (text[j + 1] === '"') {
              j += 2;
              continue;
            }
            closed = j;
            break;
          }
          if (text[j] === '\n') breaks++;
          j++;
        }
        if (closed < 0 || breaks > 100 || Buffer.byteLength(text.slice(i, closed)) > 65536) {
          broken = true;
          break;
        }
        line += breaks;
        i = closed + 1;
        fieldStart = false;
        oneSpace = false;
        continue;
      }
      oneSpace = fieldStart && ch === ' ';
      fieldStart = ch === ',';
      i++;
    }
    if (broken) {
      const lf = text.indexOf('\n', start);
      i = lf === -1 ? text.length : lf + 1;
      if (logical > 1) out.push(startLine);
      line = startLine + 1;
      continue;
    }
    const blank = line === startLine && text.slice(start, i).replaceAll('\r', '') === '';
    if (logical > 1 && !blank) out.push(startLine);
    i++;
    line++;
  }
  return out;
}

describe('every physical line belongs to exactly one record', () => {
  // Fields that make a hostile file: quotes in every position, line breaks in and out of quotes,
  // stray carriage returns, and quotes that never close.
  const FIELDS = ['x', '', '"q"', '"a,b"', '"line\nbreak"', '"esc ""x"""', 'ab"c', '"open', '"x"y', ' "sp"', '  "sp"', '"\n\n"', 'é', '"multi\r\nline"', 'a\rb', '"x" '];

  it('agrees with an independent reading on 80 random hostile files (every record rejected, at its first line)', async () => {
    const rand = mulberry32(12);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const files: Record<string, string> = {};
    for (let f = 0; f < 80; f++) {
      const lines = ['lead_id,studio_id,phone,created_at'];
      const n = 1 + Math.floor(rand() * 12);
      for (let i = 0; i < n; i++) {
        const r = rand();
        if (r < 0.1) lines.push('');
        else if (r < 0.15) lines.push('\r');
        else lines.push(Array.from({ length: rand() < 0.85 ? 4 : pick([3, 5]) }, () => pick(FIELDS)).join(','));
      }
      const eol = rand() < 0.3 ? '\r\n' : '\n';
      files[`leads-${String(f).padStart(2, '0')}.csv`] = lines.join(eol) + (rand() < 0.5 ? eol : '') + (rand() < 0.1 ? '\r' : '');
    }
    // No field is a valid phone, so every record is rejected and named by the line it starts on.
    const dir = await writeExport({ ...files, 'messages.csv': `${MESSAGES_HEADER}\n` });
    const { byFile, rejected, result } = await loadAndClose(dir);
    for (const [name, text] of Object.entries(files)) {
      const starts = recordStarts(text);
      expect({ name, lines: rejected.filter((r) => r.file === name).map((r) => r.line) }).toEqual({ name, lines: starts });
      expect(byFile[name]).toEqual({ rows: starts.length, accepted: 0, rejected: starts.length, duplicates: 0 });
      const physical = text.length === 0 ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
      expect({ name, lines: result.files.find((x) => x.file === name)?.lines }).toEqual({ name, lines: physical });
    }
  });
});

describe('other encodings and line breaks', () => {
  const utf16 = (text: string, order: 'le' | 'be', bom = true): Buffer => {
    const le = Buffer.from(text, 'utf16le');
    const body = order === 'le' ? le : Buffer.from(le).swap16();
    return bom ? Buffer.concat([Buffer.from(order === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]), body]) : body;
  };
  const studios = 'studio_id,name,timezone\r\ns1,Pälm Yoga ☀,America/Los_Angeles\r\n';
  const optOuts = '{"studio_id":"s1","lead_id":"l1","opted_out_at":"2026-03-05T18:00:00Z","method":"Pärkplatz"}\n';

  // [case, studios.csv bytes, opt_outs.jsonl bytes, encoding reported]
  const cases: [string, Buffer, Buffer, string][] = [
    ['UTF-16 little-endian with its mark (Excel\'s "Unicode text")', utf16(studios, 'le'), utf16(optOuts, 'le'), 'utf16le'],
    ['UTF-16 big-endian with its mark', utf16(studios, 'be'), utf16(optOuts, 'be'), 'utf16be'],
    ['UTF-16 little-endian without a mark', utf16(studios, 'le', false), utf16(optOuts, 'le', false), 'utf16le'],
    ['UTF-8 with a mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(studios)]), Buffer.from(optOuts), 'utf8'],
  ];
  it.each(cases)('reads %s', async (_what, studiosBytes, optOutsBytes, encoding) => {
    const dir = await writeExport({ 'studios.csv': studiosBytes, 'leads.csv': LEADS, 'messages.csv': `${MESSAGES_HEADER}\n`, 'opt_outs.jsonl': optOutsBytes });
    const { db, byFile, result } = await load(dir);
    const names = await db.query(`select studio_id, name, timezone from stg_studios`);
    const methods = await db.query(`select method from stg_opt_outs`);
    db.close();
    expect(names).toEqual([{ studio_id: 's1', name: 'Pälm Yoga ☀', timezone: 'America/Los_Angeles' }]);
    expect(methods).toEqual([{ method: 'pärkplatz' }]);
    expect(byFile['studios.csv']).toEqual({ rows: 1, accepted: 1, rejected: 0, duplicates: 0 });
    expect(result.files.find((f) => f.file === 'studios.csv')?.encoding).toBe(encoding);
  });

  it('decodes a file in Windows-1252 (Latin-1) with no UTF-8 in it', async () => {
    const dir = await writeExport({
      'studios.csv': Buffer.from('studio_id,name\ns1,Caf\xe9 Yoga \x96 Spin\n', 'latin1'),
      'leads.csv': LEADS,
      'messages.csv': `${MESSAGES_HEADER}\n`,
      'opt_outs.jsonl': Buffer.from('{"studio_id":"s1","lead_id":"l1","opted_out_at":"2026-03-05T18:00:00Z","method":"r\xe9ponse"}\n', 'latin1'),
    });
    const { db, result } = await load(dir);
    const names = await db.query(`select name from stg_studios`);
    const methods = await db.query(`select method from stg_opt_outs`);
    db.close();
    expect(names).toEqual([{ name: 'Café Yoga – Spin' }]);
    expect(methods).toEqual([{ method: 'réponse' }]);
    expect(result.files.find((f) => f.file === 'studios.csv')?.encoding).toBe('windows-1252');
  });

  it('rejects the lines with stray bytes in a UTF-8 file, and reads the others', async () => {
    const NOT_UTF8 = 'not UTF-8 text: the line has bytes of another encoding (such as Latin-1); save the file as UTF-8';
    const dir = await writeExport({
      'studios.csv': Buffer.concat([Buffer.from('studio_id,name\ns1,Zoë Yoga\n'), Buffer.from('s2,Caf\xe9\n', 'latin1'), Buffer.from('s3,Spin\n')]),
      'leads.csv': LEADS,
      'messages.csv': `${MESSAGES_HEADER}\n`,
      'opt_outs.jsonl': Buffer.concat([
        Buffer.from('{"studio_id":"s1","lead_id":"l1","opted_out_at":"2026-03-05T18:00:00Z","method":"réponse"}\n'),
        Buffer.from('{"studio_id":"s1","lead_id":"l1","opted_out_at":"2026-03-06T18:00:00Z","method":"r\xe9ponse"}\n', 'latin1'),
        Buffer.from('\nnot json\n'),
      ]),
    });
    const { byFile, rejected } = await loadAndClose(dir);
    expect(byFile['studios.csv']).toEqual({ rows: 3, accepted: 2, rejected: 1, duplicates: 0 });
    expect(byFile['opt_outs.jsonl']).toEqual({ rows: 3, accepted: 1, rejected: 2, duplicates: 0 });
    expect(rejected).toEqual([
      { file: 'opt_outs.jsonl', line: 2, reason: NOT_UTF8 },
      { file: 'opt_outs.jsonl', line: 4, reason: 'not a JSON object: not json' },
      { file: 'studios.csv', line: 3, reason: NOT_UTF8 },
    ]);
  });

  // [case, leads.csv text, rows, the line of its bad record]
  const breaks: [string, string, number, number][] = [
    ['carriage returns alone (Excel for Mac\'s "CSV (Macintosh)")', [LEADS_HEADER, lead(1), 'l2,s1,555,x,2026-01-01', lead(3)].join('\r') + '\r', 3, 3],
    ['CRLF and LF mixed', `${LEADS_HEADER}\r\n${lead(1)}\n${lead(2)}\r\nl3,s1,555,x,2026-01-01\n${lead(4)}\r\n`, 4, 4],
    ['a carriage return inside a line', `${LEADS_HEADER}\n${lead(1)}\nl2,s1,555,x\r,2026-01-01\n${lead(3)}\r`, 3, 3],
  ];
  it.each(breaks)('reads a file with %s', async (_what, text, rows, badLine) => {
    const dir = await writeExport({ 'studios.csv': STUDIOS, 'leads.csv': text, 'messages.csv': `${MESSAGES_HEADER}\n` });
    const { byFile, rejected } = await loadAndClose(dir);
    expect(byFile['leads.csv']).toEqual({ rows, accepted: rows - 1, rejected: 1, duplicates: 0 });
    expect(rejected).toEqual([{ file: 'leads.csv', line: badLine, reason: 'phone is not a valid phone number for the region: "555"' }]);
  });
});
