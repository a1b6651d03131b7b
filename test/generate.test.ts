import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { UsageError } from '../worker/errors.ts';
import { generate, type GenerateSummary } from '../data/generate/index.ts';
import { LOOK_ALIKES, STOP_REQUESTS } from '../data/generate/content.ts';
import { Zone, businessDaysBetween, dayOf, isoUtc } from '../data/generate/time.ts';

// Small runs keep the suite fast; the scenarios have floors that keep them visible at this size.
const OPTIONS = { studios: 3, months: 6, messages: 20_000, seed: 7 } as const;

const SPEC_HEADERS: Record<string, string> = {
  studios: 'studio_id,number,name,timezone',
  leads: 'lead_id,studio_id,phone,source,created_at,consent_at,consent_method,last_engaged_at,first_name',
  messages: 'message_id,studio_id,lead_id,phone,direction,sent_at,status,error_code,campaign_id,campaign_type,body',
  deactivations: 'phone',
};

/** RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

type Row = Record<string, string>;

interface Table {
  header: string;
  rows: Row[];
}

async function readCsv(dir: string, file: string): Promise<Table> {
  const text = await readFile(path.join(dir, file), 'utf8');
  const [head, ...records] = parseCsv(text);
  const names = head ?? [];
  return {
    header: names.join(','),
    rows: records.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i] ?? '']))),
  };
}

interface Export {
  dir: string;
  summary: GenerateSummary;
  files: string[];
  studios: Row[];
  leads: Row[];
  messages: Row[];
  optOuts: Record<string, string | undefined>[];
  deactivations: Map<string, string[]>;
}

async function load(dir: string, summary: GenerateSummary): Promise<Export> {
  const files = (await readdir(dir)).sort();
  const messages: Row[] = [];
  for (const f of files.filter((f) => f.startsWith('messages-'))) messages.push(...(await readCsv(dir, f)).rows);
  const deactivations = new Map<string, string[]>();
  for (const f of files.filter((f) => f.startsWith('deactivations-'))) {
    deactivations.set(f.slice('deactivations-'.length, -4), (await readCsv(dir, f)).rows.map((r) => r.phone ?? ''));
  }
  const optOutText = await readFile(path.join(dir, 'opt_outs.jsonl'), 'utf8');
  return {
    dir,
    summary,
    files,
    studios: (await readCsv(dir, 'studios.csv')).rows,
    leads: (await readCsv(dir, 'leads.csv')).rows,
    messages,
    optOuts: optOutText
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, string | undefined>),
    deactivations,
  };
}

async function run(seed: number): Promise<{ dir: string; summary: GenerateSummary }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'optout-generate-'));
  const summary = await generate({ ...OPTIONS, seed, out: dir });
  return { dir, summary };
}

const e164 = (raw: string): string => parsePhoneNumberFromString(raw, 'US')?.number ?? `invalid:${raw}`;
const seconds = (iso: string): number => Date.parse(iso) / 1000;
const isReached = (m: Row): boolean => m.direction === 'outbound' && (m.status === 'sent' || m.status === 'delivered');
const KEYWORDS = new Set(['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT', 'OPT OUT', 'STOP ALL']);
const REOPT = new Set(['START', 'UNSTOP', 'YES']);
const normal = (body: string): string =>
  body
    .trim()
    .toUpperCase()
    .replace(/\s+/g, ' ')
    .replace(/^[^A-Z0-9]+|[^A-Z0-9]+$/g, '');

const formats = new Map<string, Intl.DateTimeFormat>();

/** Local date and hour with Intl, independent of the generator's own Zone class. */
function local(iso: string, timezone: string): { date: string; hour: number } {
  let format = formats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit' });
    formats.set(timezone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}

describe('generate: the sample export', () => {
  let ex: Export;
  let zoneOf: Map<string, string>;
  let leadById: Map<string, Row>;
  /** Valid message rows (the planted bad ones left out), and who a phone-only row is. */
  let valid: Row[];
  const leadOf = (m: Row): string => m.lead_id || `phone:${e164(m.phone ?? '')}`;

  beforeAll(async () => {
    const first = await run(OPTIONS.seed);
    ex = await load(first.dir, first.summary);
    zoneOf = new Map(ex.studios.map((s) => [s.studio_id ?? '', s.timezone ?? '']));
    leadById = new Map(ex.leads.map((l) => [l.lead_id ?? '', l]));
    const byPhone = new Map(ex.leads.map((l) => [`${l.studio_id}|${e164(l.phone ?? '')}`, l.lead_id ?? '']));
    const seen = new Set<string>();
    valid = [];
    for (const m of ex.messages) {
      if (m.message_id === '' || m.sent_at === 'yesterday' || m.direction === 'sideways' || seen.has(m.message_id ?? '')) continue;
      seen.add(m.message_id ?? '');
      valid.push(m.lead_id ? m : { ...m, lead_id: byPhone.get(`${m.studio_id}|${e164(m.phone ?? '')}`) ?? '' });
    }
  });

  it('is byte-identical for the same seed and differs for another', async () => {
    const again = await run(OPTIONS.seed);
    const other = await run(OPTIONS.seed + 1);
    expect((await readdir(again.dir)).sort()).toEqual(ex.files);
    for (const f of ex.files) {
      expect((await readFile(path.join(again.dir, f))).equals(await readFile(path.join(ex.dir, f))), f).toBe(true);
    }
    const same = await readFile(path.join(other.dir, 'messages-2026-09.csv'));
    expect(same.equals(await readFile(path.join(ex.dir, 'messages-2026-09.csv')))).toBe(false);
  });

  it('writes the SPEC headers and as many rows as the summary says', async () => {
    expect(ex.files).toEqual(expect.arrayContaining(['studios.csv', 'leads.csv', 'opt_outs.jsonl', 'messages-2026-04.csv', 'messages-2026-09.csv', 'messages-2026-10.csv']));
    for (const f of ex.summary.files) {
      const table = f.file.replace(/(-\d{4}.*)?\.(csv|jsonl)$/, '');
      if (f.file.endsWith('.jsonl')) {
        expect(ex.optOuts.length, f.file).toBe(f.rows);
        continue;
      }
      const csv = await readCsv(ex.dir, f.file);
      expect(csv.header, f.file).toBe(SPEC_HEADERS[table]);
      expect(csv.rows.length, f.file).toBe(f.rows);
    }
    expect(ex.summary.files.map((f) => f.file).sort()).toEqual(ex.files);
    expect(ex.messages.length).toBe(ex.summary.messages);
    expect(ex.leads.length).toBe(ex.summary.leads);
    expect(ex.studios.length).toBe(3);
    expect(new Set(ex.studios.map((s) => s.timezone)).size).toBe(3);
    // About the asked-for size: the calibration is within a few percent.
    expect(ex.summary.messages / OPTIONS.messages).toBeGreaterThan(0.85);
    expect(ex.summary.messages / OPTIONS.messages).toBeLessThan(1.15);
    for (const o of ex.optOuts) expect(Object.keys(o).every((k) => ['studio_id', 'lead_id', 'phone', 'opted_out_at', 'method'].includes(k))).toBe(true);
  });

  it('uses only valid US 555 numbers, one per lead, except the planted bad one', () => {
    const invalid = ex.leads.filter((l) => !parsePhoneNumberFromString(l.phone ?? '', 'US')?.isValid());
    expect(invalid.map((l) => l.phone)).toEqual(['555-12']);
    const numbers = ex.leads.filter((l) => l.phone !== '555-12').map((l) => e164(l.phone ?? ''));
    expect(numbers.every((n) => /^\+1\d{3}555\d{4}$/.test(n))).toBe(true);
    expect(new Set(numbers).size).toBe(numbers.length);
    // Every notation of the brief appears.
    for (const re of [/^\(\d{3}\) 555-\d{4}$/, /^\d{3}\.555\.\d{4}$/, /^\+1\d{10}$/, /^\d{10}$/]) expect(ex.leads.some((l) => re.test(l.phone ?? ''))).toBe(true);
    for (const phones of ex.deactivations.values()) for (const p of phones) expect(parsePhoneNumberFromString(p, 'US')?.isValid(), p).toBe(true);
    for (const m of ex.messages.filter((m) => m.phone !== '')) expect(parsePhoneNumberFromString(m.phone ?? '', 'US')?.isValid()).toBe(true);
  });

  it('plants exactly the documented bad rows', () => {
    const byReason = {
      badTimestamp: ex.messages.filter((m) => m.sent_at === 'yesterday'),
      badDirection: ex.messages.filter((m) => m.direction === 'sideways'),
      noId: ex.messages.filter((m) => m.message_id === ''),
    };
    for (const rows of Object.values(byReason)) expect(rows.length).toBe(1);
    const groups = new Map<string, Row[]>();
    for (const m of ex.messages.filter((m) => m.message_id !== '')) groups.set(m.message_id ?? '', [...(groups.get(m.message_id ?? '') ?? []), m]);
    const repeated = [...groups.values()].filter((g) => g.length > 1);
    expect(repeated.length).toBe(2);
    const same = repeated.filter(([a, b]) => JSON.stringify(a) === JSON.stringify(b));
    const conflicting = repeated.filter(([a, b]) => JSON.stringify(a) !== JSON.stringify(b));
    expect(same.length).toBe(1);
    expect(conflicting.length).toBe(1);
    expect(conflicting[0]?.[1]?.body).toBe(`${conflicting[0]?.[0]?.body} (edited)`);
    // Valid rows that exercise CSV quoting.
    expect(ex.messages.filter((m) => m.body?.includes('\n')).map((m) => m.body)).toEqual(['Palm Yoga: see you\nat 6pm']);
    expect(ex.messages.some((m) => m.body === 'Palm Yoga: "Sunrise Flow" is back, Mon, Wed and Fri at 6:30am, bring a mat!')).toBe(true);
    // Every other timestamp is ISO-8601 UTC with Z.
    const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
    expect(ex.messages.filter((m) => !iso.test(m.sent_at ?? '')).length).toBe(1);
    expect(ex.leads.filter((l) => l.phone === '555-12').length).toBe(1);
    expect(ex.leads.filter((l) => Number.isNaN(Date.parse(l.created_at ?? ''))).map((l) => l.created_at)).toEqual(['2026-13-05T10:00:00Z']);
    expect(ex.optOuts.filter((o) => !o.lead_id && !o.phone).length).toBe(1);
    expect(ex.optOuts.every((o) => iso.test(o.opted_out_at ?? ''))).toBe(true);
    expect(ex.summary.badRows).toBe(8);
  });

  it('runs two or three days past the review month, in local time', () => {
    expect(ex.summary.reviewMonth).toBe('2026-09');
    const last = valid.map((m) => local(m.sent_at ?? '', zoneOf.get(m.studio_id ?? '') ?? '').date).sort().at(-1);
    expect(last).toMatch(/^2026-10-0[23]$/);
    const first = valid.map((m) => local(m.sent_at ?? '', zoneOf.get(m.studio_id ?? '') ?? '').date).sort()[0];
    expect(first).toBe('2026-04-01');
  });

  it('sends the weekly blasts in business hours and welcomes new leads within minutes of consent', () => {
    const weekly = valid.filter((m) => /-weekly-\d{4}-\d{2}-\d{2}$/.test(m.campaign_id ?? ''));
    expect(weekly.length).toBeGreaterThan(valid.length / 3);
    for (const m of weekly) {
      const { hour, date } = local(m.sent_at ?? '', zoneOf.get(m.studio_id ?? '') ?? '');
      expect(hour).toBeGreaterThanOrEqual(9);
      expect(hour).toBeLessThan(19);
      expect(m.campaign_id?.endsWith(date)).toBe(true);
      expect(m.campaign_type).toBe('');
    }
    const welcome = valid.filter((m) => m.campaign_id?.endsWith('-welcome'));
    expect(welcome.length).toBeGreaterThan(100);
    for (const m of welcome) {
      expect(m.campaign_type).toBe('automation');
      const consent = seconds(leadById.get(m.lead_id ?? '')?.consent_at ?? '');
      const gap = seconds(m.sent_at ?? '') - consent;
      expect(gap).toBeGreaterThan(0);
      expect(gap).toBeLessThan(600);
    }
    const statuses = new Map<string, number>();
    for (const m of valid.filter((m) => m.direction === 'outbound')) statuses.set(m.status ?? '', (statuses.get(m.status ?? '') ?? 0) + 1);
    const outbound = [...statuses.values()].reduce((a, b) => a + b, 0);
    expect((statuses.get('delivered') ?? 0) / outbound).toBeGreaterThan(0.9);
    expect(new Set(valid.filter((m) => m.error_code !== '').map((m) => m.error_code))).toEqual(new Set(['30003', '30005', '30006', '30007', '21610']));
  });

  /** Keyword opt-outs by studio and local date. */
  function keywordOptOuts(studio: string): Map<string, number> {
    const days = new Map<string, number>();
    for (const m of valid) {
      if (m.studio_id !== studio || m.direction !== 'inbound' || !KEYWORDS.has(normal(m.body ?? ''))) continue;
      const { date } = local(m.sent_at ?? '', zoneOf.get(studio) ?? '');
      days.set(date, (days.get(date) ?? 0) + 1);
    }
    return days;
  }

  /** A planted day stands out: at least 3x the studio's average day of June to August, and 5 or more. */
  function expectSpike(studio: string, dates: string[]): void {
    const days = keywordOptOuts(studio);
    let before = 0;
    for (const [date, n] of days) if (date >= '2026-06-01' && date < '2026-09-01') before += n;
    const baseline = before / 92;
    const burst = Math.max(...dates.map((d) => days.get(d) ?? 0));
    expect(burst, `${studio} ${dates.join(',')}`).toBeGreaterThanOrEqual(Math.max(5, 3 * baseline));
  }

  it('plants unverified consent: a bought list imported on Sep 8, texted on Sep 9', () => {
    const imported = ex.leads.filter((l) => l.studio_id === 's1' && l.source === 'list_import' && local(l.created_at ?? '', 'America/Los_Angeles').date === '2026-09-08');
    const planted = ex.summary.scenarios.find((s) => s.name === 'unverified_consent');
    expect(imported.length).toBe(planted?.details.imported_leads);
    expect(imported.length).toBeGreaterThanOrEqual(60);
    for (const l of imported) expect(l.consent_method === 'import' || (l.consent_at === '' && l.consent_method === '')).toBe(true);
    const texted = new Set(valid.filter((m) => m.campaign_id === 's1-import-welcome-2026-09-09').map((m) => m.lead_id));
    expect(texted.size).toBe(imported.length);
    expectSpike('s1', ['2026-09-09']);
  });

  it('plants an old-list blast: >= 500 recipients untouched for 18 months', () => {
    const reached = valid.filter((m) => m.campaign_id === 's2-winback-2026-09-23' && isReached(m));
    expect(new Set(reached.map((m) => m.lead_id)).size).toBeGreaterThanOrEqual(500);
    for (const m of reached) {
      const lead = leadById.get(m.lead_id ?? '') as Row;
      const latest = Math.max(...[lead.created_at, lead.consent_at, lead.last_engaged_at].filter((v) => v).map((v) => seconds(v ?? '')));
      expect(seconds(m.sent_at ?? '') - latest).toBeGreaterThan(548 * 86_400);
    }
    expectSpike('s2', ['2026-09-23']);
  });

  it('plants excessive frequency: 7 or more texts in a week, opt-outs climbing', () => {
    const week = valid.filter((m) => m.studio_id === 's3' && isReached(m) && m.sent_at! >= '2026-09-13' && m.sent_at! < '2026-09-20T08:00:00Z');
    const perLead = new Map<string, number>();
    for (const m of week) perLead.set(m.lead_id ?? '', (perLead.get(m.lead_id ?? '') ?? 0) + 1);
    expect([...perLead.values()].filter((n) => n >= 7).length).toBeGreaterThan(50);
    const days = keywordOptOuts('s3');
    const early = (days.get('2026-09-14') ?? 0) + (days.get('2026-09-15') ?? 0);
    const late = (days.get('2026-09-17') ?? 0) + (days.get('2026-09-18') ?? 0) + (days.get('2026-09-19') ?? 0);
    expect(late).toBeGreaterThan(early);
    expectSpike('s3', ['2026-09-17', '2026-09-18', '2026-09-19']);
  });

  it('plants poor timing: a flash sale at 22:30-23:30 local', () => {
    const sale = valid.filter((m) => m.campaign_id === 's1-flash-sale-2026-09-24');
    expect(sale.length).toBeGreaterThan(100);
    for (const m of sale) {
      const { date, hour } = local(m.sent_at ?? '', 'America/Los_Angeles');
      expect(date).toBe('2026-09-24');
      expect([22, 23]).toContain(hour);
    }
    expectSpike('s1', ['2026-09-24', '2026-09-25']);
  });

  it('plants irrelevant content: a partner promo that never names the studio', () => {
    const promo = valid.filter((m) => m.campaign_id === 's2-partner-promo-2026-09-28');
    expect(promo.length).toBeGreaterThan(100);
    for (const m of promo) expect(m.body?.toLowerCase()).not.toContain('iron works gym');
    expectSpike('s2', ['2026-09-28']);
  });

  it('plants unprocessed free-text opt-out requests, texted again, and look-alikes', () => {
    const timeline = optOutTimeline();
    const requests = valid.filter((m) => m.direction === 'inbound' && STOP_REQUESTS.includes(m.body ?? '') && m.sent_at! >= '2026-09-02');
    const unprocessed = requests.filter((r) => {
      const t = seconds(r.sent_at ?? '');
      return !(timeline.get(leadOf(r)) ?? []).some((e) => e.out && e.t >= t && e.t - t <= 86_400);
    });
    const planted = ex.summary.scenarios.find((s) => s.name === 'opt_out_handling');
    expect(unprocessed.length).toBe(planted?.details.ignored_requests);
    expect(unprocessed.length).toBeGreaterThanOrEqual(15);
    expect(unprocessed.every((r) => r.studio_id === 's3')).toBe(true);
    // Each of them got more texts after asking.
    for (const r of unprocessed) expect(valid.some((m) => m.lead_id === r.lead_id && isReached(m) && m.sent_at! > r.sent_at!)).toBe(true);
    expect(valid.filter((m) => m.direction === 'inbound' && LOOK_ALIKES.includes(m.body ?? '') && m.studio_id === 's3' && m.sent_at! >= '2026-09').length).toBeGreaterThanOrEqual(8);
    expectSpike('s3', ['2026-09-11']);
  });

  /** Opt-out events per lead (rows and keywords) and re-opt-ins, in time order. */
  function optOutTimeline(): Map<string, { t: number; out: boolean }[]> {
    const byPhone = new Map(ex.leads.map((l) => [`${l.studio_id}|${e164(l.phone ?? '')}`, l.lead_id ?? '']));
    const events = new Map<string, { t: number; out: boolean }[]>();
    const add = (lead: string, t: number, out: boolean): void => {
      events.set(lead, [...(events.get(lead) ?? []), { t, out }]);
    };
    for (const o of ex.optOuts) {
      if (!o.lead_id && !o.phone) continue;
      add(o.lead_id ?? byPhone.get(`${o.studio_id}|${e164(o.phone ?? '')}`) ?? '', seconds(o.opted_out_at ?? ''), true);
    }
    for (const m of valid.filter((m) => m.direction === 'inbound')) {
      const word = normal(m.body ?? '');
      if (KEYWORDS.has(word)) add(leadOf(m), seconds(m.sent_at ?? ''), true);
      if (REOPT.has(word)) add(leadOf(m), seconds(m.sent_at ?? ''), false);
    }
    for (const list of events.values()) list.sort((a, b) => a.t - b.t);
    return events;
  }

  it('texts opted-out leads only in the planted re-engagement batch (SPEC sent_after_opt_out)', () => {
    const timeline = optOutTimeline();
    const violations: Row[] = [];
    const firstAfter = new Map<string, number>();
    for (const m of valid.filter(isReached).sort((a, b) => (a.sent_at ?? '').localeCompare(b.sent_at ?? ''))) {
      const t = seconds(m.sent_at ?? '');
      const before = (timeline.get(m.lead_id ?? '') ?? []).filter((e) => e.t <= t);
      const lastOut = before.filter((e) => e.out).at(-1);
      if (!lastOut || before.some((e) => !e.out && e.t >= lastOut.t)) continue;
      const key = `${m.lead_id}|${lastOut.t}`;
      // The first reached message within 5 minutes of the opt-out is its confirmation.
      if (!firstAfter.has(key) && t - lastOut.t <= 300) {
        firstAfter.set(key, t);
        continue;
      }
      firstAfter.set(key, t);
      violations.push({ ...m, optedOut: isoUtc(lastOut.t) });
    }
    const campaigns = new Set(violations.map((v) => v.campaign_id));
    expect([...campaigns]).toEqual(['s1-reengage-2026-09-16']);
    const zone = new Zone('America/Los_Angeles');
    const late = violations.filter((v) => businessDaysBetween(zone.localDay(seconds(v.optedOut ?? '')), zone.localDay(seconds(v.sent_at ?? ''))) > 10);
    expect(late.length).toBeGreaterThan(0);
    expect(late.length).toBeLessThan(violations.length + 1);
    // Keyword opt-outs are blocked by the carrier instead.
    expect(valid.some((m) => m.campaign_id === 's1-reengage-2026-09-16' && m.error_code === '21610')).toBe(true);
  });

  it('texts deactivated numbers only in the planted studio, after the unprocessed file of Sep 4', () => {
    const deactivated = new Map<string, string>();
    for (const [date, phones] of [...ex.deactivations].sort()) for (const p of phones) if (!deactivated.has(e164(p))) deactivated.set(e164(p), date);
    expect(ex.deactivations.size).toBeGreaterThanOrEqual(6);
    const hits = valid.filter((m) => {
      const lead = leadById.get(m.lead_id ?? '');
      const since = lead && deactivated.get(e164(lead.phone ?? ''));
      return isReached(m) && since !== undefined && local(m.sent_at ?? '', zoneOf.get(m.studio_id ?? '') ?? '').date >= since;
    });
    expect(hits.length).toBeGreaterThan(10);
    expect(new Set(hits.map((m) => m.studio_id))).toEqual(new Set(['s2']));
    expect(new Set(hits.map((m) => deactivated.get(e164(leadById.get(m.lead_id ?? '')?.phone ?? ''))))).toEqual(new Set(['2026-09-04']));
  });

  it('keeps the background opt-out rate within 0.3-0.8% of reached messages, higher for imports and ClassPass', () => {
    const attributed = new Map<string, number>();
    const reached = new Map<string, number>();
    const august = valid.filter((m) => m.sent_at! >= '2026-08-01T07:00:00Z' && m.sent_at! < '2026-09-01T07:00:00Z');
    const lastReached = new Map<string, Row>();
    let optOuts = 0;
    for (const m of august.sort((a, b) => (a.sent_at ?? '').localeCompare(b.sent_at ?? ''))) {
      const source = leadById.get(m.lead_id ?? '')?.source?.toLowerCase() ?? 'unknown';
      if (isReached(m)) {
        reached.set(source, (reached.get(source) ?? 0) + 1);
        lastReached.set(m.lead_id ?? '', m);
      } else if (m.direction === 'inbound' && KEYWORDS.has(normal(m.body ?? '')) && lastReached.has(m.lead_id ?? '')) {
        attributed.set(source, (attributed.get(source) ?? 0) + 1);
        optOuts++;
      }
    }
    const total = [...reached.values()].reduce((a, b) => a + b, 0);
    expect(optOuts / total).toBeGreaterThan(0.003);
    expect(optOuts / total).toBeLessThan(0.008);
    const rate = (s: string): number => (attributed.get(s) ?? 0) / (reached.get(s) ?? 1);
    expect(rate('list_import') + rate('classpass')).toBeGreaterThan(2 * rate('web_form'));
  });
});

describe('generate: options', () => {
  it('refuses invalid options with one clear line', async () => {
    const out = await mkdtemp(path.join(tmpdir(), 'optout-generate-bad-'));
    await expect(generate({ out, studios: 0 })).rejects.toThrow(/^--studios: must be a whole number from 1 to \d+, got 0$/);
    await expect(generate({ out, months: 0 })).rejects.toThrow(/^--months: must be a whole number/);
    await expect(generate({ out, messages: 10 })).rejects.toThrow(/^--messages: must be a whole number from 2000/);
    await expect(generate({ out, start: '2026-13' })).rejects.toThrow(/^--start: must be a month written YYYY-MM/);
    await expect(generate({ out: '' })).rejects.toThrow(/^--out: .* required$/);
    await expect(generate({ out, seed: 1.5 })).rejects.toThrow(/^--seed: must be a whole number/);
    // A usage error, so the CLI exits with 2 and no "internal error".
    await expect(generate({ out, studios: 0 })).rejects.toBeInstanceOf(UsageError);
  });
});

describe('generate: time helpers', () => {
  it('converts local wall-clock times to UTC across daylight saving', () => {
    const la = new Zone('America/Los_Angeles');
    expect(isoUtc(la.toUtc(dayOf(2026, 3, 7), 10 * 3600))).toBe('2026-03-07T18:00:00Z');
    expect(isoUtc(la.toUtc(dayOf(2026, 3, 8), 10 * 3600))).toBe('2026-03-08T17:00:00Z');
    expect(isoUtc(la.toUtc(dayOf(2026, 9, 24), 22.5 * 3600))).toBe('2026-09-25T05:30:00Z');
    expect(isoUtc(la.toUtc(dayOf(2026, 11, 1), 12 * 3600))).toBe('2026-11-01T20:00:00Z');
    const phoenix = new Zone('America/Phoenix');
    expect(isoUtc(phoenix.toUtc(dayOf(2026, 7, 1), 12 * 3600))).toBe('2026-07-01T19:00:00Z');
    expect(la.localDay(Date.parse('2026-03-01T07:30:00Z') / 1000)).toBe(dayOf(2026, 2, 28));
  });

  it('counts business days without weekends and federal holidays', () => {
    // Fri Sep 4 2026 -> Tue Sep 8: Mon Sep 7 is Labor Day, so only Tuesday counts.
    expect(businessDaysBetween(dayOf(2026, 9, 4), dayOf(2026, 9, 8))).toBe(1);
    expect(businessDaysBetween(dayOf(2026, 9, 1), dayOf(2026, 9, 1))).toBe(0);
    // Jul 3 2026 is the observed Independence Day (Jul 4 is a Saturday).
    expect(businessDaysBetween(dayOf(2026, 6, 30), dayOf(2026, 7, 6))).toBe(3);
  });
});
