import { type Bucket, INBOUND, type MessageBatch, type OptOutRow, STATUSES, Status, WITH_LEAD_ID } from './events.ts';
import type { LeadTable } from './leads.ts';
import { e164, formatPhone, nationalDigits } from './phones.ts';
import type { BucketSink } from './simulate.ts';
import { TextSink, csvField, csvFieldCached } from './sink.ts';
import type { Studio } from './studios.ts';
import { DAY, civil, isoDate, isoMonth, isoUtc } from './time.ts';

const MESSAGES_HEADER = 'message_id,studio_id,lead_id,phone,direction,sent_at,status,error_code,campaign_id,campaign_type,body';
const STUDIOS_HEADER = 'studio_id,number,name,timezone';

/** The planted bad rows, what the loader must do with each, and why (data/README.md lists them). */
export const PLANTED_MESSAGE_ROWS = [
  { what: 'exact duplicate of an earlier row of the same day (same message_id, same values)', outcome: 'duplicate' },
  { what: 'conflicting duplicate: an earlier message_id with a different body', outcome: 'rejected' },
  { what: 'sent_at is "yesterday"', outcome: 'rejected' },
  { what: 'direction is "sideways"', outcome: 'rejected' },
  { what: 'message_id is empty', outcome: 'rejected' },
  { what: 'valid: a body with a quoted line break', outcome: 'accepted' },
  { what: 'valid: a body with commas and double quotes', outcome: 'accepted' },
] as const;
export const PLANTED_LEAD_ROWS = [
  { what: 'phone is "555-12"', outcome: 'rejected' },
  { what: 'created_at is "2026-13-05T10:00:00Z" (month 13)', outcome: 'rejected' },
] as const;
export const PLANTED_OPT_OUT_ROWS = [{ what: 'neither lead_id nor phone', outcome: 'rejected' }] as const;

export function countBad(rows: readonly { outcome: string }[]): number {
  return rows.filter((r) => r.outcome !== 'accepted').length;
}

/**
 * Writes the simulation's buckets: one messages CSV per UTC month and opt_outs.jsonl, rows in
 * time order with message ids given out in that order. The planted bad rows go in after the
 * messages of `plantedDay` (a UTC day; or the next day that has rows to copy them from).
 */
export class ExportWriter implements BucketSink {
  readonly written: { file: string; rows: number }[] = [];
  private month = '';
  private messages: TextSink | null = null;
  private readonly optOuts: TextSink;
  private nextId = 1;
  private planted = false;

  constructor(
    private readonly dir: string,
    private readonly studios: readonly Studio[],
    private readonly leads: LeadTable,
    private readonly plantedDay: number,
  ) {
    this.optOuts = new TextSink(dir, 'opt_outs.jsonl', null);
  }

  async write(utcDay: number, bucket: Bucket): Promise<void> {
    const c = civil(utcDay);
    const month = isoMonth(c.year, c.month);
    if (month !== this.month) {
      await this.closeMessages();
      this.month = month;
      this.messages = new TextSink(this.dir, `messages-${month}.csv`, MESSAGES_HEADER);
    }
    const sink = this.messages as TextSink;
    const batch = bucket.messages;
    const order = batch.order();
    const ids: string[] = new Array<string>(batch.size);
    for (let n = 0; n < order.length; n++) {
      const k = order[n] as number;
      const id = this.newId();
      ids[k] = id;
      sink.row(this.batchRow(id, batch, k));
      if ((n & 4095) === 4095) await sink.maybeFlush();
    }
    bucket.optOuts.sort((a, b) => a.t - b.t);
    for (const o of bucket.optOuts) this.optOuts.row(this.optOutRow(o));
    if (!this.planted && utcDay >= this.plantedDay) this.planted = this.plantBadRows(sink, batch, order, ids);
    await sink.maybeFlush();
    await this.optOuts.maybeFlush();
  }

  async close(): Promise<void> {
    if (!this.planted) throw new Error('internal: no day with delivered campaign messages to copy the planted bad rows from');
    await this.closeMessages();
    await this.optOuts.close();
    this.written.push({ file: this.optOuts.file, rows: this.optOuts.rows });
  }

  private async closeMessages(): Promise<void> {
    if (!this.messages) return;
    await this.messages.close();
    this.written.push({ file: this.messages.file, rows: this.messages.rows });
    this.messages = null;
  }

  private newId(): string {
    return `M${String(this.nextId++).padStart(7, '0')}`;
  }

  private readonly quoteBody = csvFieldCached();

  /** The hot path: one row straight from the batch's columns. */
  private batchRow(id: string, b: MessageBatch, k: number): string {
    const studio = this.studios[b.studio[k] as number] as Studio;
    const lead = b.lead[k] as number;
    const flags = b.flags[k] as number;
    const inbound = (flags & INBOUND) !== 0;
    const error = b.error[k] as number;
    const leadId = (flags & WITH_LEAD_ID) !== 0 ? this.leads.id(lead, studio.id) : '';
    const phone = inbound ? e164(this.leads.phone[lead] as number) : '';
    return `${id},${studio.id},${leadId},${phone},${inbound ? 'inbound' : 'outbound'},${isoUtc(b.t[k] as number)},${STATUSES[b.status[k] as number] as string},${error === 0 ? '' : error},${b.campaign[k] as string},${b.ctype[k] as string},${this.quoteBody(b.bodyOf(k))}`;
  }

  private row(r: Row): string {
    const studio = this.studios[r.studio] as Studio;
    const leadId = r.withLeadId ? this.leads.id(r.lead, studio.id) : '';
    // Inbound rows carry the sender's number; outbound rows name the lead only.
    const phone = r.inbound ? e164(this.leads.phone[r.lead] as number) : '';
    return `${r.id},${studio.id},${leadId},${phone},${r.direction},${r.sentAt},${r.status},${r.error},${r.campaign},${r.ctype},${csvField(r.body)}`;
  }

  private optOutRow(o: OptOutRow): string {
    const studio = this.studios[o.studio] as Studio;
    const who = o.byPhone
      ? `"phone":"${formatPhone(this.leads.phone[o.lead] as number, this.leads.style[o.lead] as number)}"`
      : `"lead_id":"${this.leads.id(o.lead, studio.id)}"`;
    return `{"studio_id":"${studio.id}",${who},"opted_out_at":"${isoUtc(o.t)}","method":"${o.method}"}`;
  }

  /**
   * The rows of PLANTED_MESSAGE_ROWS, in that order, after the day's messages. They copy the
   * day's last delivered campaign messages of the first studio to leads who stay subscribed for another day, so
   * the two valid extra texts are not sends after an opt-out. False when the day has no two
   * such messages (the next day is tried).
   */
  private plantBadRows(sink: TextSink, batch: MessageBatch, order: Uint32Array, ids: readonly string[]): boolean {
    const fit: Row[] = [];
    for (let n = order.length - 1; n >= 0 && fit.length < 2; n--) {
      const k = order[n] as number;
      const out = this.leads.optOutAt[batch.lead[k] as number] as number;
      const delivered = batch.status[k] === Status.Delivered && batch.campaign[k] !== '' && batch.studio[k] === 0;
      if (delivered && ((batch.flags[k] as number) & INBOUND) === 0 && !(out <= (batch.t[k] as number) + DAY)) {
        fit.push({ ...this.parse(batch, k), id: ids[k] as string });
      }
    }
    const [a, b] = fit;
    if (!a || !b) return false;
    const name = (this.studios[a.studio] as Studio).name;
    const t = Date.parse(a.sentAt) / 1000;
    const chat = { ...a, campaign: '', ctype: '' };
    sink.row(this.row(a));
    sink.row(this.row({ ...b, body: `${b.body} (edited)` }));
    sink.row(this.row({ ...a, id: this.newId(), sentAt: 'yesterday' }));
    sink.row(this.row({ ...a, id: this.newId(), direction: 'sideways' }));
    sink.row(this.row({ ...a, id: '' }));
    sink.row(this.row({ ...chat, id: this.newId(), sentAt: isoUtc(t + 60), body: `${name}: see you\nat 6pm` }));
    sink.row(this.row({ ...chat, id: this.newId(), sentAt: isoUtc(t + 120), body: `${name}: "Sunrise Flow" is back, Mon, Wed and Fri at 6:30am, bring a mat!` }));
    const studio = this.studios[a.studio] as Studio;
    this.optOuts.row(`{"studio_id":"${studio.id}","opted_out_at":"${a.sentAt}","method":"web"}`);
    return true;
  }

  private parse(b: MessageBatch, k: number): Row {
    const error = b.error[k] as number;
    const inbound = ((b.flags[k] as number) & INBOUND) !== 0;
    return {
      id: '',
      studio: b.studio[k] as number,
      lead: b.lead[k] as number,
      withLeadId: ((b.flags[k] as number) & WITH_LEAD_ID) !== 0,
      inbound,
      direction: inbound ? 'inbound' : 'outbound',
      sentAt: isoUtc(b.t[k] as number),
      status: STATUSES[b.status[k] as number] as string,
      error: error === 0 ? '' : String(error),
      campaign: b.campaign[k] as string,
      ctype: b.ctype[k] as string,
      body: b.bodyOf(k),
    };
  }
}

/** One messages row before formatting. */
interface Row {
  id: string;
  studio: number;
  lead: number;
  withLeadId: boolean;
  inbound: boolean;
  direction: string;
  sentAt: string;
  status: string;
  error: string;
  campaign: string;
  ctype: string;
  body: string;
}

/** A carrier's bare list of deactivated numbers; the date is in the file name only. */
export async function writeDeactivations(dir: string, day: number, phones: readonly number[]): Promise<{ file: string; rows: number }> {
  const sink = new TextSink(dir, `deactivations-${isoDate(day)}.csv`, 'phone');
  phones.forEach((p, k) => sink.row(k % 5 === 0 ? e164(p) : nationalDigits(p)));
  await sink.close();
  return { file: sink.file, rows: sink.rows };
}

export async function writeStudios(dir: string, studios: readonly Studio[]): Promise<{ file: string; rows: number }> {
  const sink = new TextSink(dir, 'studios.csv', STUDIOS_HEADER);
  for (const s of studios) sink.row([s.id, s.number, csvField(s.name), s.timezone].join(','));
  await sink.close();
  return { file: sink.file, rows: sink.rows };
}
