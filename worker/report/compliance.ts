import type { Db } from '../db.ts';

/** The checks of SPEC section 4, in the order the report lists them. */
export const CHECKS = [
  'sent_after_opt_out',
  'unprocessed_opt_out_request',
  'sent_to_deactivated',
  'sent_without_consent',
  'check_in_overdue',
  'quiet_hours',
  'missing_sender_id',
] as const;
export type Check = (typeof CHECKS)[number];

export interface ComplianceRow {
  check: Check;
  messages: number;
  leads: number;
  /** sent_after_opt_out only: messages more than 10 business days after the opt-out. */
  late_messages?: number;
  studios: { studio_id: string; messages: number; leads: number }[];
}

interface CountRow {
  check: Check;
  studio_id: string | null;
  messages: number;
  leads: number;
  late_messages: number;
}

/** Every check with its counts overall and per studio; a check nothing broke has zeros. */
export async function complianceRows(db: Db): Promise<ComplianceRow[]> {
  const counts = await db.query<CountRow>(`select * from compliance_counts order by studio_id`);
  return CHECKS.map((check) => {
    const overall = counts.find((c) => c.check === check && c.studio_id === null);
    const row: ComplianceRow = {
      check,
      messages: overall?.messages ?? 0,
      leads: overall?.leads ?? 0,
      studios: counts
        .filter((c) => c.check === check && c.studio_id !== null)
        .map((c) => ({ studio_id: c.studio_id as string, messages: c.messages, leads: c.leads })),
    };
    if (check === 'sent_after_opt_out') row.late_messages = overall?.late_messages ?? 0;
    return row;
  });
}
