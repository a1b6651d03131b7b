import type { Db } from '../db.ts';
import { coveredMonth, type Coverage } from '../period.ts';
import { wilson } from './stats.ts';

/**
 * Delivery and campaigns: the delivery rate (delivered / sent) per month and studio with its
 * interval, from the delivery_outcomes mart; and the review month's campaigns with their delivery
 * and opt-out rates, from campaign_results.
 */

export interface DeliveryRow {
  month: string;
  /** null: all studios. */
  studio_id: string | null;
  partial: boolean;
  /** Every outbound text of the month, whatever its status: the delivery rate's denominator. */
  sent: number;
  /** Status delivered: the carrier confirmed it. */
  delivered: number;
  /** Status sent: reached, but the carrier sent no delivery receipt. */
  no_receipt: number;
  undelivered: number;
  failed: number;
  /** Still queued when the export was taken, or a status the contract does not name. */
  other: number;
  /** delivered / sent; null when nothing was sent. */
  delivery_rate: number | null;
  ci_low: number | null;
  ci_high: number | null;
}

type DeliveryCounts = Omit<DeliveryRow, 'partial' | 'delivery_rate' | 'ci_low' | 'ci_high'>;

/** One row per month of the year of history and studio, and per month for all studios. */
export async function deliveryRows(db: Db, coverage: Coverage): Promise<DeliveryRow[]> {
  const rows = await db.query<DeliveryCounts>(`select * from delivery_outcomes order by month, studio_id nulls first`);
  return rows.map((r) => {
    const ci = r.sent > 0 ? wilson(r.delivered, r.sent) : null;
    return {
      month: r.month,
      studio_id: r.studio_id,
      partial: coveredMonth(r.month, coverage).partial,
      sent: r.sent,
      delivered: r.delivered,
      no_receipt: r.no_receipt,
      undelivered: r.undelivered,
      failed: r.failed,
      other: r.other,
      delivery_rate: r.sent > 0 ? r.delivered / r.sent : null,
      ci_low: ci ? ci.low : null,
      ci_high: ci ? ci.high : null,
    };
  });
}

export interface CampaignRow {
  /** null: the one-to-one texts, sent without a campaign. */
  campaign_id: string | null;
  /** The campaign type of its reached texts (given in the export, or derived); null when none was reached. */
  campaign_type: string | null;
  studio_ids: string[];
  first_date: string;
  last_date: string;
  sent: number;
  delivered: number;
  delivery_rate: number;
  reached: number;
  /** Opt-outs attributed to its reached texts. */
  opt_outs: number;
  /** opt_outs / reached; 0 when nothing was reached. */
  rate: number;
  ci_low: number;
  ci_high: number;
  recipients: number;
}

const isoDate = (d: unknown): string => (d instanceof Date ? d.toISOString().slice(0, 10) : String(d));

/**
 * The review month's campaigns, largest first: by texts sent, then texts reached, then id (the
 * one-to-one texts, without an id, last among equals).
 */
export async function campaignRows(db: Db): Promise<CampaignRow[]> {
  const rows = await db.query<Omit<CampaignRow, 'studio_ids' | 'delivery_rate' | 'rate' | 'ci_low' | 'ci_high'> & { studio_ids: string }>(
    `select * from campaign_results order by sent desc, reached desc, campaign_id nulls last`,
  );
  return rows.map((r) => {
    const ci = wilson(r.opt_outs, r.reached);
    return {
      campaign_id: r.campaign_id,
      campaign_type: r.campaign_type,
      studio_ids: r.studio_ids.split(';'),
      first_date: isoDate(r.first_date),
      last_date: isoDate(r.last_date),
      sent: r.sent,
      delivered: r.delivered,
      delivery_rate: r.sent > 0 ? r.delivered / r.sent : 0,
      reached: r.reached,
      opt_outs: r.opt_outs,
      rate: r.reached > 0 ? r.opt_outs / r.reached : 0,
      ci_low: ci.low,
      ci_high: ci.high,
      recipients: r.recipients,
    };
  });
}
