import type { Bucket, Message, OptOutRow } from './events.ts';
import type { LeadTable } from './leads.ts';
import { e164, formatPhone, nationalDigits } from './phones.ts';
import type { BucketSink } from './simulate.ts';
import { TextSink, csvField } from './sink.ts';
import type { Studio } from './studios.ts';
import { DAY, civil, isoDate, isoMonth, isoUtc } from './time.ts';

export const MESSAGES_HEADER = 'message_id,studio_id,lead_id,phone,direction,sent_at,status,error_code,campaign_id,campaign_type,body';
export const STUDIOS_HEADER = 'studio_id,number,name,timezone';

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
 * messages of `plantedDay` (a UTC day), copied from that day's rows.
 */
export class ExportWriter implements BucketSink {
  readonly written: { file: string; rows: number }[] = [];
  private month = '';
  private messages: TextSink | null = null;
  private readonly optOuts: TextSink;
  private nextId = 1;

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
    bucket.messages.sort((a, b) => a.t - b.t || a.seq - b.seq);
    bucket.optOuts.sort((a, b) => a.t - b.t || a.seq - b.seq);
    const ids: string[] = [];
    for (const m of bucket.messages) {
      const id = this.newId();
      ids.push(id);
      sink.row(this.messageRow(id, m, m.body, m.inbound ? 'inbound' : 'outbound', isoUtc(m.t)));
    }
    for (const o of bucket.optOuts) this.optOuts.row(this.optOutRow(o));
    if (utcDay === this.plantedDay) this.plantBadRows(sink, bucket.messages, ids);
    await sink.maybeFlush();
    await this.optOuts.maybeFlush();
  }

  async close(): Promise<void> {
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

  private messageRow(id: string, m: Message, body: string, direction: string, sentAt: string): string {
    const studio = this.studios[m.studio] as Studio;
    const leadId = m.withLeadId ? this.leads.id(m.lead, studio.id) : '';
    // Inbound rows carry the sender's number; outbound rows name the lead only.
    const phone = m.inbound ? e164(this.leads.phone[m.lead] as number) : '';
    return `${id},${studio.id},${leadId},${phone},${direction},${sentAt},${m.status},${m.error},${m.campaign},${m.ctype},${csvField(body)}`;
  }

  private optOutRow(o: OptOutRow): string {
    const studio = this.studios[o.studio] as Studio;
    const who = o.byPhone
      ? `"phone":"${formatPhone(this.leads.phone[o.lead] as number, this.leads.style[o.lead] as number)}"`
      : `"lead_id":"${this.leads.id(o.lead, studio.id)}"`;
    return `{"studio_id":"${studio.id}",${who},"opted_out_at":"${isoUtc(o.t)}","method":"${o.method}"}`;
  }

  /**
   * The rows of PLANTED_MESSAGE_ROWS, in that order, after the day's messages. They copy a
   * delivered campaign message to a lead who stays subscribed for the next day, so the two
   * valid extra texts are not sends after an opt-out.
   */
  private plantBadRows(sink: TextSink, messages: readonly Message[], ids: readonly string[]): void {
    const fit: number[] = [];
    for (let k = messages.length - 1; k >= 0 && fit.length < 2; k--) {
      const m = messages[k] as Message;
      const out = this.leads.optOutAt[m.lead] as number;
      if (!m.inbound && m.campaign !== '' && m.status === 'delivered' && !(out <= m.t + DAY)) fit.push(k);
    }
    if (fit.length < 2) throw new Error(`internal: no delivered campaign message on ${isoDate(this.plantedDay)} to copy the planted bad rows from`);
    const a = messages[fit[0] as number] as Message;
    const b = messages[fit[1] as number] as Message;
    const idA = ids[fit[0] as number] as string;
    const idB = ids[fit[1] as number] as string;
    const name = (this.studios[a.studio] as Studio).name;
    const at = isoUtc(a.t);
    sink.row(this.messageRow(idA, a, a.body, 'outbound', at));
    sink.row(this.messageRow(idB, b, `${b.body} (edited)`, 'outbound', isoUtc(b.t)));
    sink.row(this.messageRow(this.newId(), a, a.body, 'outbound', 'yesterday'));
    sink.row(this.messageRow(this.newId(), a, a.body, 'sideways', at));
    sink.row(this.messageRow('', a, a.body, 'outbound', at));
    const chat = { ...a, campaign: '', ctype: '' };
    sink.row(this.messageRow(this.newId(), chat, `${name}: see you\nat 6pm`, 'outbound', isoUtc(a.t + 60)));
    sink.row(this.messageRow(this.newId(), chat, `${name}: "Sunrise Flow" is back, Mon, Wed and Fri at 6:30am, bring a mat!`, 'outbound', isoUtc(a.t + 120)));
    const studio = this.studios[a.studio] as Studio;
    this.optOuts.row(`{"studio_id":"${studio.id}","opted_out_at":"${at}","method":"web"}`);
  }
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
