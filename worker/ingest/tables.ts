/**
 * The input contract of SPEC section 1 as data: one entry per table, one per column. The readers,
 * the staging SQL and the error messages are all derived from this list.
 */
export type ColumnKind =
  | 'text' // trimmed, empty = missing
  | 'lower' // trimmed and lower-cased
  | 'timestamp' // ISO-8601; naive = UTC; a date alone = midnight UTC
  | 'date_or_timestamp' // a date, or a timestamp taken as its UTC date
  | 'phone' // normalised to E.164 for --region, must be valid
  | 'numbers' // `;`-separated phone numbers; kept when they do not normalise (short codes)
  | 'direction' // outbound | inbound (outbound-api, outbound-reply, ... are outbound)
  | 'integer'
  | 'timezone'; // an IANA name

export interface ColumnDef {
  name: string;
  kind: ColumnKind;
  required: boolean;
}

export type TableName = 'studios' | 'leads' | 'messages' | 'opt_outs' | 'deactivations';

export interface TableDef {
  name: TableName;
  columns: ColumnDef[];
  /**
   * Columns that identify a row. A later valid row with the same key is an exact duplicate when
   * every value is the same, and a conflicting duplicate (rejected) otherwise. Null: the whole
   * row is the key, so only exact duplicates exist.
   */
  key: string[] | null;
  /**
   * A table whose rows are versions of a changing record (leads: the CRM exports its leads again
   * with new values). A later file's row with a key accepted from an earlier file and other values
   * is an update (accepted, counted as updated), not a conflict; two different rows with one key
   * in one file still conflict.
   */
  versioned?: boolean;
}

const col = (name: string, kind: ColumnKind, required = false): ColumnDef => ({ name, kind, required });

/** In load order: studios first (Twilio files are placed by studio number), then leads. */
export const TABLES: readonly TableDef[] = [
  {
    name: 'studios',
    columns: [col('studio_id', 'text', true), col('number', 'numbers'), col('name', 'text'), col('timezone', 'timezone')],
    key: ['studio_id'],
  },
  {
    name: 'leads',
    columns: [
      col('lead_id', 'text', true),
      col('studio_id', 'text', true),
      col('phone', 'phone', true),
      col('source', 'lower'),
      col('created_at', 'timestamp', true),
      col('consent_at', 'timestamp'),
      col('consent_method', 'lower'),
      col('last_engaged_at', 'timestamp'),
      col('first_name', 'text'),
    ],
    key: ['studio_id', 'lead_id'],
    versioned: true,
  },
  {
    name: 'messages',
    columns: [
      col('message_id', 'text', true),
      col('studio_id', 'text', true),
      col('lead_id', 'text'),
      col('phone', 'phone'),
      col('direction', 'direction', true),
      col('sent_at', 'timestamp', true),
      col('status', 'lower', true),
      col('error_code', 'integer'),
      col('campaign_id', 'text'),
      col('campaign_type', 'lower'),
      col('body', 'text'),
    ],
    key: ['message_id'],
  },
  {
    name: 'opt_outs',
    columns: [
      col('studio_id', 'text', true),
      col('lead_id', 'text'),
      col('phone', 'phone'),
      col('opted_out_at', 'timestamp', true),
      col('method', 'lower'),
    ],
    key: null,
  },
  {
    name: 'deactivations',
    columns: [col('phone', 'phone', true), col('deactivated_at', 'date_or_timestamp', true)],
    key: null,
  },
];

export function tableDef(name: TableName): TableDef {
  const def = TABLES.find((t) => t.name === name);
  if (!def) throw new Error(`unknown table ${name}`);
  return def;
}

/**
 * Columns a file must have in its header. `opt_outs` needs lead_id or phone (checked apart);
 * `deactivations` may take its date from the file name (checked by the reader).
 */
export function headerRequired(def: TableDef): string[] {
  if (def.name === 'deactivations') return ['phone'];
  return def.columns.filter((c) => c.required).map((c) => c.name);
}

/**
 * Extra raw columns that only format adapters fill: a Twilio export names the studio by the
 * number that sent or received the message, resolved in staging.
 */
export const EXTRA_RAW_COLUMNS: Partial<Record<TableName, string[]>> = {
  messages: ['studio_number'],
};

export function rawColumns(def: TableDef): string[] {
  return [...def.columns.map((c) => c.name), ...(EXTRA_RAW_COLUMNS[def.name] ?? [])];
}
