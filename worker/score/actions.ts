import { RISK_MODEL } from '../config.ts';
import type { ScoreAction } from '../catalog/index.ts';

/**
 * What to do with one lead before its first text (catalog/risk.ts SCORE_ACTIONS), the first rule
 * that holds in this order: do_not_text, get_consent_first, check_in_first, send_with_care, send.
 */
export interface ActionInput {
  /** The export's reasons not to text it, `;`-separated (opted_out, unprocessed_request, deactivated), or null. */
  doNotText: string | null;
  /** The consent key at the scoring time: verified, unverified or none. */
  consent: string;
  /** Days since the lead was last in touch, null when nothing is known. */
  engagementDays: number | null;
  /** The predicted chance that the first text gets an opt-out. */
  chance: number;
  /** The studio's opt-out rate per reached text over the export. */
  studioRate: number;
}

const REASON_WORDS: Record<string, string> = {
  opted_out: 'opted out',
  unprocessed_request: 'asked to stop in words',
  deactivated: 'number deactivated by its carrier',
};

export function scoreAction(lead: ActionInput): { action: ScoreAction; why: string } {
  if (lead.doNotText) {
    const reasons = lead.doNotText.split(';').map((r) => REASON_WORDS[r] ?? r);
    return { action: 'do_not_text', why: reasons.join('; ') };
  }
  if (lead.consent === 'none') return { action: 'get_consent_first', why: 'no consent on record' };
  if (lead.consent !== 'verified') return { action: 'get_consent_first', why: 'consent came with an import or by an unknown method' };
  if (lead.engagementDays !== null && lead.engagementDays >= RISK_MODEL.checkInDays) {
    return { action: 'check_in_first', why: `no contact for ${lead.engagementDays} days` };
  }
  if (lead.studioRate > 0 && lead.chance > RISK_MODEL.careTimes * lead.studioRate) {
    return { action: 'send_with_care', why: `${(lead.chance / lead.studioRate).toFixed(1)} times the studio's rate` };
  }
  return { action: 'send', why: '' };
}
