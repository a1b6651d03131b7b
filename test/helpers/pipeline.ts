import type { RunOptions } from '../../worker/config.ts';
import { Db } from '../../worker/db.ts';
import { DIMENSIONS } from '../../worker/catalog/index.ts';
import { ingest } from '../../worker/ingest/index.ts';
import type { Report } from '../../worker/report/bundle.ts';
import { reportOf } from '../../worker/run.ts';
import { config, writeExport } from './export.ts';

export const MESSAGE_COLUMNS = ['message_id', 'studio_id', 'lead_id', 'phone', 'direction', 'sent_at', 'status', 'error_code', 'campaign_id', 'campaign_type', 'body'] as const;
export const LEAD_COLUMNS = ['lead_id', 'studio_id', 'phone', 'source', 'created_at', 'consent_at', 'consent_method', 'last_engaged_at', 'first_name'] as const;

type Row<C extends readonly string[]> = Partial<Record<C[number], string>>;

function csv<C extends readonly string[]>(columns: C, rows: Row<C>[]): string {
  const cell = (v: string | undefined): string => (v === undefined ? '' : /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c as C[number]])).join(','))].join('\n') + '\n';
}

export interface Fixture {
  studios?: string;
  leads?: Row<typeof LEAD_COLUMNS>[];
  messages: Row<typeof MESSAGE_COLUMNS>[];
  optOuts?: Record<string, string>[];
  files?: Record<string, string>;
}

/** An outbound reached message with sensible defaults. */
export function out(id: string, sentAt: string, extra: Row<typeof MESSAGE_COLUMNS> = {}): Row<typeof MESSAGE_COLUMNS> {
  return { message_id: id, studio_id: 's1', lead_id: 'l1', direction: 'outbound', sent_at: sentAt, status: 'delivered', campaign_id: 'c1', body: 'Palm Yoga: hi', ...extra };
}

export function inbound(id: string, sentAt: string, body: string, extra: Row<typeof MESSAGE_COLUMNS> = {}): Row<typeof MESSAGE_COLUMNS> {
  return { message_id: id, studio_id: 's1', lead_id: 'l1', direction: 'inbound', sent_at: sentAt, status: 'received', body, ...extra };
}

export function lead(id: string, extra: Row<typeof LEAD_COLUMNS> = {}): Row<typeof LEAD_COLUMNS> {
  return { lead_id: id, studio_id: 's1', phone: `41555501${id.replace(/\D/g, '').padStart(2, '0').slice(-2)}`, source: 'web_form', created_at: '2026-01-01T00:00:00Z', consent_at: '2026-01-01T00:00:00Z', consent_method: 'web_form', ...extra };
}

/** Runs ingest, the models and the report on a fixture; the database stays open for queries. */
export async function pipeline(f: Fixture, options: Partial<RunOptions> = {}): Promise<{ report: Report; db: Db }> {
  const dir = await writeExport({
    'studios.csv': f.studios ?? 'studio_id,name,timezone\ns1,Palm Yoga,America/Los_Angeles\n',
    ...(f.leads ? { 'leads.csv': csv(LEAD_COLUMNS, f.leads) } : {}),
    'messages.csv': csv(MESSAGE_COLUMNS, f.messages),
    ...(f.optOuts ? { 'opt_outs.jsonl': f.optOuts.map((o) => JSON.stringify(o)).join('\n') } : {}),
    ...(f.files ?? {}),
  });
  const cfg = config(dir, { month: '2026-03', ...options });
  const db = await Db.open(cfg.db);
  const ingested = await ingest(db, cfg, { progress: () => undefined });
  const report = await reportOf(db, cfg, ingested, `${dir}-out`, { progress: () => undefined }, 'test');
  return { report, db };
}

/** The message ids, by message number: the fact table names messages by number only. */
export const MESSAGE_IDS = '(select message_no, message_id from int_messages_identified)';

/** Cohort keys of each reached message, by message_id. */
export async function cohortsOf(db: Db): Promise<Record<string, Record<string, string | number>>> {
  const rows = await db.query<Record<string, string | number>>(
    `select message_id, count_opt_outs, ${DIMENSIONS.join(', ')}, strftime(local_date, '%Y-%m-%d') as local_date from int_messages_cohorts join ${MESSAGE_IDS} using (message_no)`,
  );
  return Object.fromEntries(rows.map(({ message_id, ...rest }) => [message_id as string, rest]));
}

/** The counted opt-outs: lead, time and the message they are attributed to. */
export async function optOutsOf(db: Db): Promise<{ lead_key: string; at: string; message_id: string | null }[]> {
  return db.query(`select lead_key, strftime(opted_out_at, '%Y-%m-%dT%H:%M:%SZ') as at, message_id from int_opt_outs_attributed order by opted_out_at, lead_key`);
}
