import { ident } from '../db.ts';

/**
 * Twilio's console message log (`From,To,Body,Status,SentDate,ApiVersion,NumSegments,ErrorCode,
 * AccountSid,Sid,Direction,Price,PriceUnit`) read as a messages file (SPEC section 1).
 */
const SIGNATURE = ['sid', 'from', 'to', 'body', 'status', 'sentdate', 'direction'];

export function isTwilioHeader(fields: string[]): boolean {
  const lower = new Set(fields.map((f) => f.trim().toLowerCase()));
  return SIGNATURE.every((f) => lower.has(f));
}

/**
 * The raw messages columns from a Twilio header. Outbound directions (`outbound-api`,
 * `outbound-reply`, `outbound-call`) were sent by the studio, so `To` is the lead; inbound
 * messages were sent by the lead to the studio. The studio itself is found in staging from
 * `studio_number` (the studio's side of the message).
 */
export function twilioColumns(fields: string[]): Record<string, string> {
  const at = (name: string): string => {
    const i = fields.findIndex((f) => f.trim().toLowerCase() === name);
    return i < 0 ? 'null' : ident(`c${i}`);
  };
  const outbound = `lower(trim(${at('direction')})) like 'outbound%'`;
  return {
    message_id: at('sid'),
    studio_id: 'null',
    lead_id: 'null',
    phone: `case when ${outbound} then ${at('to')} else ${at('from')} end`,
    direction: at('direction'),
    sent_at: at('sentdate'),
    status: at('status'),
    error_code: at('errorcode'),
    campaign_id: 'null',
    campaign_type: 'null',
    body: at('body'),
    studio_number: `case when ${outbound} then ${at('from')} else ${at('to')} end`,
  };
}
