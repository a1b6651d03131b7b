/** The events the simulation produces and what a scenario counts about its messages. */

export const Kind = { Blast: 0, Automation: 1, Reminder: 2, Conversation: 3, Answer: 4, Confirmation: 5, Campaign: 6 } as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

/** A message body: a fixed text, or one rendered for the lead when written (personalised). */
export type Body = string | ((lead: number) => string);

export const STATUSES = ['delivered', 'sent', 'undelivered', 'failed', 'received'] as const;
export const Status = { Delivered: 0, Sent: 1, Undelivered: 2, Failed: 3, Received: 4 } as const;
export type Status = (typeof Status)[keyof typeof Status];

export const INBOUND = 1;
/** Unset for rows the provider could not match to a lead: lead_id is empty, the phone tells. */
export const WITH_LEAD_ID = 2;

/**
 * One UTC day of messages, column-wise. As objects, a big run's messages would live just long
 * enough (a day or two) to be promoted out of V8's young generation and churn the old one;
 * typed columns plus shared body references allocate next to nothing per message.
 */
/** Rows a batch can hold: keys in order() leave 22 bits for the row. */
const ROWS = 1 << 22;

export class MessageBatch {
  size = 0;
  t: Float64Array;
  studio: Uint8Array;
  lead: Int32Array;
  flags: Uint8Array;
  status: Uint8Array;
  /** Provider error code, 0 for none. */
  error: Uint16Array;
  readonly campaign: string[] = [];
  readonly ctype: string[] = [];
  readonly body: Body[] = [];

  constructor(capacity = 1024) {
    this.t = new Float64Array(capacity);
    this.studio = new Uint8Array(capacity);
    this.lead = new Int32Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.status = new Uint8Array(capacity);
    this.error = new Uint16Array(capacity);
  }

  push(t: number, studio: number, lead: number, flags: number, status: Status, error: number, campaign: string, ctype: string, body: Body): void {
    if (this.size === this.t.length) this.grow();
    if (this.size === ROWS) throw new Error(`internal: more than ${ROWS} messages on one day`);
    const k = this.size++;
    this.t[k] = t;
    this.studio[k] = studio;
    this.lead[k] = lead;
    this.flags[k] = flags;
    this.status[k] = status;
    this.error[k] = error;
    this.campaign.push(campaign);
    this.ctype.push(ctype);
    this.body.push(body);
  }

  /** Row indexes in time order; equal times keep the order they were made in. */
  order(): Uint32Array {
    // Sort numbers, not a comparator: key = (seconds since the batch's first time) * 2^22 + row.
    let first = Infinity;
    for (let k = 0; k < this.size; k++) first = Math.min(first, this.t[k] as number);
    const keys = new Float64Array(this.size);
    for (let k = 0; k < this.size; k++) keys[k] = ((this.t[k] as number) - first) * ROWS + k;
    keys.sort();
    const idx = new Uint32Array(this.size);
    for (let k = 0; k < this.size; k++) idx[k] = (keys[k] as number) % ROWS;
    return idx;
  }

  bodyOf(k: number): string {
    const b = this.body[k] as Body;
    return typeof b === 'string' ? b : b(this.lead[k] as number);
  }

  private grow(): void {
    const n = this.t.length * 2;
    const copy = <T extends Float64Array | Uint8Array | Int32Array | Uint16Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.t = copy(this.t, (k) => new Float64Array(k));
    this.studio = copy(this.studio, (k) => new Uint8Array(k));
    this.lead = copy(this.lead, (k) => new Int32Array(k));
    this.flags = copy(this.flags, (k) => new Uint8Array(k));
    this.status = copy(this.status, (k) => new Uint8Array(k));
    this.error = copy(this.error, (k) => new Uint16Array(k));
  }
}

export interface OptOutRow {
  t: number;
  studio: number;
  lead: number;
  byPhone: boolean;
  method: string;
}

export interface Bucket {
  messages: MessageBatch;
  optOuts: OptOutRow[];
}

/** What a scenario's messages did: filled in as they are sent and answered. */
export interface Tally {
  messages: number;
  reached: number;
  optOuts: number;
  leads: Set<number>;
}

export function newTally(): Tally {
  return { messages: 0, reached: 0, optOuts: 0, leads: new Set() };
}

export interface SendOptions {
  /** Multiplies the lead's opt-out probability. */
  boost?: number;
  /** Replaces the opt-out probability altogether. */
  p?: number;
  /** Probability that a lead who asked to stop in free text now sends STOP. */
  requesterP?: number;
  tally?: Tally;
}
