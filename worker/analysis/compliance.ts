import type { Db } from '../db.ts';
import { CHECK_CATALOG, CHECKS, type Check } from '../catalog/index.ts';
import { maskedNumber } from '../catalog/mask.ts';

export { CHECKS, type Check };


export interface ComplianceRow {
  check: Check;
  messages: number;
  leads: number;
  /** sent_after_opt_out only: messages more than 10 business days after the opt-out. */
  late_messages?: number;
  studios: { studio_id: string; messages: number; leads: number }[];
  title: string;
  action: string;
  /** A few affected leads, masked: the studio, the last date and the number's last 4 digits. */
  examples: { studio_id: string; date: string; phone: string }[];
}

interface CountRow {
  check: Check;
  studio_id: string | null;
  messages: number;
  leads: number;
  late_messages: number;
}

/** A lead's number as the report shows it: only its last 4 digits (the catalog's one masker). */
export function maskPhone(phone: string | null): string {
  if (!phone) return 'unknown number';
  return maskedNumber(phone.replace(/\D/g, '').padStart(4, '•'));
}

const iso = (d: unknown): string => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d));

/** Every check with its counts overall and per studio; a check nothing broke has zeros. */
export async function complianceRows(db: Db): Promise<ComplianceRow[]> {
  const counts = await db.query<CountRow>(`select * from compliance_counts order by studio_id`);
  const examples = await db.query<{ check: Check; studio_id: string; last_date: Date; phone: string | null }>(`
    select "check", studio_id, last_date, phone
    from check_leads
    qualify row_number() over (partition by "check" order by last_date desc, studio_id, phone) <= 3`);
  return CHECKS.map((check) => {
    const overall = counts.find((c) => c.check === check && c.studio_id === null);
    const row: ComplianceRow = {
      check,
      messages: overall?.messages ?? 0,
      leads: overall?.leads ?? 0,
      studios: counts
        .filter((c) => c.check === check && c.studio_id !== null)
        .map((c) => ({ studio_id: c.studio_id as string, messages: c.messages, leads: c.leads })),
      title: CHECK_CATALOG[check].title,
      action: CHECK_CATALOG[check].action,
      examples: examples
        .filter((e) => e.check === check)
        .map((e) => ({ studio_id: e.studio_id, date: iso(e.last_date), phone: maskPhone(e.phone) })),
    };
    if (check === 'sent_after_opt_out') row.late_messages = overall?.late_messages ?? 0;
    return row;
  });
}

export const POLICY_TEXT: Record<string, string> = {
  verified_consent_only: 'Message only leads whose consent was verified',
  check_in_every_18_months: 'Check in before messaging anyone silent for 18 months',
  cap_3_per_week: 'Cap messages at 3 a week per lead',
  daytime_only: 'No sends before 08:00 or after 21:00',
  honour_free_text_requests: 'Honour requests to stop written in words',
  all_of_the_above: 'All of these together',
};

export interface PolicyRow {
  policy: string;
  description: string;
  messages_avoided: number;
  opt_outs_avoided: number;
  /** Of the month's attributed opt-outs. */
  share_of_opt_outs: number;
}

/** What each policy would have saved in the review month. */
export async function policyRows(db: Db, attributedOptOuts: number): Promise<PolicyRow[]> {
  const rows = await db.query<{ policy: string; messages_avoided: number; opt_outs_avoided: number }>(`select * from policy_savings`);
  return Object.keys(POLICY_TEXT).map((policy) => {
    const r = rows.find((x) => x.policy === policy);
    const opt = r?.opt_outs_avoided ?? 0;
    return {
      policy,
      description: POLICY_TEXT[policy] as string,
      messages_avoided: r?.messages_avoided ?? 0,
      opt_outs_avoided: opt,
      share_of_opt_outs: attributedOptOuts > 0 ? opt / attributedOptOuts : 0,
    };
  });
}

const ERROR_MEANING: Record<number, string> = {
  21610: 'blocked by the provider: the number had unsubscribed (texted STOP), yet a send was attempted',
  30007: 'filtered by the carrier as unwanted: carriers do this when recipients complain or opt out a lot',
};

export interface ProviderEvidenceRow {
  error_code: number;
  meaning: string;
  messages: number;
  leads: number;
  studios: { studio_id: string; messages: number; leads: number }[];
}

export async function providerEvidence(db: Db): Promise<ProviderEvidenceRow[]> {
  const rows = await db.query<{ error_code: number; studio_id: string | null; messages: number; leads: number }>(
    `select * from provider_evidence order by studio_id`,
  );
  return [21610, 30007].map((code) => {
    const overall = rows.find((r) => r.error_code === code && r.studio_id === null);
    return {
      error_code: code,
      meaning: ERROR_MEANING[code] as string,
      messages: overall?.messages ?? 0,
      leads: overall?.leads ?? 0,
      studios: rows
        .filter((r) => r.error_code === code && r.studio_id !== null)
        .map((r) => ({ studio_id: r.studio_id as string, messages: r.messages, leads: r.leads })),
    };
  });
}
