/** The events the simulation produces and what a scenario counts about its messages. */

export const Kind = { Blast: 0, Automation: 1, Reminder: 2, Conversation: 3, Answer: 4, Confirmation: 5, Campaign: 6 } as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

export interface Message {
  t: number;
  seq: number;
  studio: number;
  lead: number;
  inbound: boolean;
  /** False for rows the provider could not match to a lead: lead_id is empty, the phone tells. */
  withLeadId: boolean;
  status: string;
  error: string;
  campaign: string;
  ctype: string;
  body: string;
}

export interface OptOutRow {
  t: number;
  seq: number;
  studio: number;
  lead: number;
  byPhone: boolean;
  method: string;
}

export interface Bucket {
  messages: Message[];
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
