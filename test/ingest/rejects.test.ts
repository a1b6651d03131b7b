import { describe, expect, it } from 'vitest';
import { LEADS, MESSAGES_HEADER, STUDIOS, loadAndClose, writeExport } from '../helpers/export.ts';

/** One messages row with the given fields replaced. */
function msg(fields: Partial<Record<'id' | 'studio' | 'lead' | 'phone' | 'direction' | 'sent_at' | 'status' | 'error_code' | 'body', string>>): string {
  const f = { id: 'm', studio: 's1', lead: 'l1', phone: '', direction: 'outbound', sent_at: '2026-03-02T18:00:00Z', status: 'delivered', error_code: '', body: 'hi', ...fields };
  return [f.id, f.studio, f.lead, f.phone, f.direction, f.sent_at, f.status, f.error_code, 'c1', '', f.body].join(',');
}

describe('every reject reason, with file and line', () => {
  it('rejects each broken messages row with the reason and the line where the record starts', async () => {
    const dir = await writeExport({
      'studios.csv': STUDIOS,
      'leads.csv': LEADS,
      'messages.csv': [
        MESSAGES_HEADER,
        msg({ id: 'ok1' }), // 2
        msg({ id: '' }), // 3
        msg({ id: 'm4', sent_at: 'yesterday' }), // 4
        msg({ id: 'm5', direction: 'sideways' }), // 5
        msg({ id: 'm6', lead: '', phone: '555-12' }), // 6
        msg({ id: 'm7', error_code: 'E7' }), // 7
        msg({ id: 'm8', lead: '', phone: '' }), // 8
        msg({ id: 'm9', status: '' }), // 9
        msg({ id: 'm10', studio: '' }), // 10
        msg({ id: 'm11', sent_at: '' }), // 11
        msg({ id: 'ok1', body: 'other' }), // 12: conflicting duplicate of line 2
        msg({ id: 'ok1' }), // 13: exact duplicate of line 2
        msg({ id: 'm14', direction: 'OUTBOUND-API', status: 'Sent' }), // 14: fine
      ].join('\n'),
    });
    const { rejected, byFile } = await loadAndClose(dir);
    expect(byFile['messages.csv']).toEqual({ rows: 13, accepted: 2, rejected: 10, duplicates: 1 });
    expect(rejected).toEqual([
      { file: 'messages.csv', line: 3, reason: 'message_id is missing' },
      { file: 'messages.csv', line: 4, reason: 'sent_at is not a timestamp: "yesterday"' },
      { file: 'messages.csv', line: 5, reason: 'direction is neither outbound nor inbound: "sideways"' },
      { file: 'messages.csv', line: 6, reason: 'phone is not a valid phone number for the region: "555-12"' },
      { file: 'messages.csv', line: 7, reason: 'error_code is not a whole number: "E7"' },
      { file: 'messages.csv', line: 8, reason: 'neither lead_id nor phone is given: the lead cannot be identified' },
      { file: 'messages.csv', line: 9, reason: 'status is missing' },
      { file: 'messages.csv', line: 10, reason: 'studio_id is missing' },
      { file: 'messages.csv', line: 11, reason: 'sent_at is missing' },
      {
        file: 'messages.csv',
        line: 12,
        reason: 'conflicting duplicate: message_id "ok1" was already accepted with different values (first at messages.csv:2)',
      },
    ]);
  });

  it('rejects rows the CSV parser cannot split into the header\'s columns, at their physical line', async () => {
    const dir = await writeExport({
      'studios.csv': STUDIOS,
      'messages.csv': [
        MESSAGES_HEADER,
        msg({ id: 'm2', body: '"two\nlines"' }), // lines 2-3
        '', // 4: blank, not a row
        msg({ id: 'm5' }) + ',extra', // 5: too many columns
        'm6,s1,l1', // 6: too few
        msg({ id: 'm7', body: '"a ""quoted""\nbody"' }), // 7-8
        msg({ id: 'm9', sent_at: 'soon' }), // 9
      ].join('\n') + '\n',
    });
    const { rejected, byFile } = await loadAndClose(dir);
    expect(byFile['messages.csv']).toEqual({ rows: 5, accepted: 2, rejected: 3, duplicates: 0 });
    expect(rejected.map((r) => [r.line, r.reason.split(': "')[0]])).toEqual([
      [5, 'too many fields: 12 where the header has 11'],
      [6, 'too few fields: 3 where the header has 11'],
      [9, 'sent_at is not a timestamp'],
    ]);
  });

  it('rejects leads, studios, opt-outs and deactivations that break the contract', async () => {
    const dir = await writeExport({
      'studios.csv': `${STUDIOS}s2,Bay Fit,Mars/Olympus,\n,No Id,America/New_York,\n`,
      'leads.csv': `${LEADS}l2,s1,555-12,web_form,2026-01-01\nl3,s1,4155550103,web_form,last year\nl4,s1,4155550104,web_form,\n`,
      'messages.csv': `${MESSAGES_HEADER}\n${msg({ id: 'm1' })}\n`,
      'opt_outs.jsonl': [
        '{"studio_id":"s1","lead_id":"l1","opted_out_at":"2026-03-05T18:00:00Z","method":"web"}',
        '{"studio_id":"s1","opted_out_at":"2026-03-05T18:00:00Z"}',
        '',
        'not json at all',
        '{"studio_id":"s1","phone":"4155550101","opted_out_at":"later"}',
        '[1, 2]',
        '{"studio_id":"s1","lead_id":"l1","opted_out_at":"2026-03-05T18:00:00Z","method":"web"}',
      ].join('\n'),
      'deactivations-2026-03-10.csv': 'phone\n2125550111\n12\n',
    });
    const { rejected, byFile } = await loadAndClose(dir);
    expect(byFile).toEqual({
      'studios.csv': { rows: 3, accepted: 1, rejected: 2, duplicates: 0 },
      'leads.csv': { rows: 4, accepted: 1, rejected: 3, duplicates: 0 },
      'messages.csv': { rows: 1, accepted: 1, rejected: 0, duplicates: 0 },
      'opt_outs.jsonl': { rows: 6, accepted: 1, rejected: 4, duplicates: 1 },
      'deactivations-2026-03-10.csv': { rows: 2, accepted: 1, rejected: 1, duplicates: 0 },
    });
    expect(rejected).toEqual([
      { file: 'deactivations-2026-03-10.csv', line: 3, reason: 'phone is not a valid phone number for the region: "12"' },
      { file: 'leads.csv', line: 3, reason: 'phone is not a valid phone number for the region: "555-12"' },
      { file: 'leads.csv', line: 4, reason: 'created_at is not a timestamp: "last year"' },
      { file: 'leads.csv', line: 5, reason: 'created_at is missing' },
      { file: 'opt_outs.jsonl', line: 2, reason: 'neither lead_id nor phone is given: the lead cannot be identified' },
      { file: 'opt_outs.jsonl', line: 4, reason: 'not a JSON object: not json at all' },
      { file: 'opt_outs.jsonl', line: 5, reason: 'opted_out_at is not a timestamp: "later"' },
      { file: 'opt_outs.jsonl', line: 6, reason: 'not a JSON object: [1, 2]' },
      { file: 'studios.csv', line: 3, reason: 'timezone is not an IANA time zone: "Mars/Olympus"' },
      { file: 'studios.csv', line: 4, reason: 'studio_id is missing' },
    ]);
  });

  it('resolves duplicates across files in name order', async () => {
    const dir = await writeExport({
      'studios.csv': STUDIOS,
      'messages-a.csv': `${MESSAGES_HEADER}\n${msg({ id: 'm1' })}\n${msg({ id: 'm2' })}\n`,
      // The same message with its phone written differently is still the same message.
      'messages-b.csv': `${MESSAGES_HEADER}\n${msg({ id: 'm1' })}\n${msg({ id: 'm2', status: 'failed' })}\n${msg({ id: 'm3' })}\n`,
    });
    const { rejected, byFile } = await loadAndClose(dir);
    expect(byFile['messages-a.csv']).toEqual({ rows: 2, accepted: 2, rejected: 0, duplicates: 0 });
    expect(byFile['messages-b.csv']).toEqual({ rows: 3, accepted: 1, rejected: 1, duplicates: 1 });
    expect(rejected).toEqual([
      {
        file: 'messages-b.csv',
        line: 3,
        reason: 'conflicting duplicate: message_id "m2" was already accepted with different values (first at messages-a.csv:3)',
      },
    ]);
  });

  it('names the right line in a file large enough to be read in parallel chunks', async () => {
    // Over 300,000 rows: DuckDB splits the scan across threads and row groups; the record
    // number comes from the order the rows were stored in, which must be the file's order.
    const rows = [MESSAGES_HEADER];
    const bad = new Set([2, 150_001, 262_145, 300_002]);
    for (let line = 2; line <= 300_003; line++) {
      rows.push(bad.has(line) ? msg({ id: `m${line}`, sent_at: `bad${line}` }) : msg({ id: `m${line}`, body: line % 7 === 0 ? '"two\nlines"' : 'hi' }));
    }
    const dir = await writeExport({ 'studios.csv': STUDIOS, 'leads.csv': LEADS, 'messages.csv': rows.join('\n') + '\n' });
    const { rejected, byFile } = await loadAndClose(dir);
    expect(byFile['messages.csv']).toEqual({ rows: 300_002, accepted: 299_998, rejected: 4, duplicates: 0 });
    const expected = [...bad].map((record) => {
      // the physical line of record `record`: every earlier record that spans two lines adds one
      let extra = 0;
      for (let r = 2; r < record; r++) if (r % 7 === 0) extra++;
      return { file: 'messages.csv', line: record + extra, reason: `sent_at is not a timestamp: "bad${record}"` };
    });
    expect(rejected).toEqual(expected);
  });
});
