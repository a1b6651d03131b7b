import { complianceFigure } from '../charts/operations.ts';
import type { Figure } from '../charts/render.ts';
import { day, int, pct, plural, share } from './format.ts';
import { CHECK_ANCHOR, CHECK_TEXT } from './labels.ts';
import type { SiteData } from './load.ts';
import { studioHref } from './paths.ts';
import type { ComplianceRow, ReportData } from './schema.ts';
import type { TableModel } from './table.ts';

/** The compliance page: each check with its counts, per studio, its fix, and (when the report has them) examples and policies. */

/**
 * Texts to numbers that had opted out, in one sentence: what the studios tried to send, what the
 * provider blocked (error 21610) and what got through (the check "sent after an opt-out"). Null
 * when neither happened.
 */
export function optOutSends(report: Pick<ReportData, 'compliance' | 'provider_evidence'>): string | null {
  const through = report.compliance.find((c) => c.check === 'sent_after_opt_out');
  const blocked = (report.provider_evidence ?? []).find((p) => String(p.error_code) === '21610');
  const sent = through?.messages ?? 0;
  const stopped = blocked?.messages ?? 0;
  if (sent + stopped === 0) return null;
  const leads = through && sent > 0 ? ` to ${plural(through.leads, 'lead')}` : '';
  if (!blocked) return `${plural(sent, 'text')} went${leads} after they had opted out.`;
  if (stopped === 0) return `The studios tried to send ${plural(sent, 'text')} to numbers that had opted out: the provider blocked none of them, and all ${int(sent)} got through${leads}.`;
  if (sent === 0) return `The studios tried to send ${plural(stopped, 'text')} to numbers that had opted out: the provider blocked all ${int(stopped)} (error 21610), and none got through.`;
  return `The studios tried to send ${plural(sent + stopped, 'text')} to numbers that had opted out: the provider blocked ${int(stopped)} (error 21610), and ${int(sent)} got through${leads}.`;
}

export interface CheckView {
  anchor: string;
  title: string;
  about: string;
  action: string;
  messages: string;
  leads: string;
  late: string | null;
  /** Sent after an opt-out: with the sends the provider blocked, in one sentence. */
  reconciled: string | null;
  passed: boolean;
  studios: TableModel;
  examples: TableModel | null;
}

/** The site's own titles, so every page says "texts"; the action is the report's (one text for both). */
export function checkTitle(c: ComplianceRow): string {
  return CHECK_TEXT[c.check].title;
}

export function checkView(data: SiteData, c: ComplianceRow): CheckView {
  const slug = new Map(data.studios.map((s) => [s.name, s.slug]));
  const text = CHECK_TEXT[c.check];
  return {
    anchor: CHECK_ANCHOR[c.check],
    title: checkTitle(c),
    about: text.about,
    action: c.action,
    messages: int(c.messages),
    leads: int(c.leads),
    late: c.late_messages !== undefined ? int(c.late_messages) : null,
    reconciled: c.check === 'sent_after_opt_out' ? optOutSends(data.report) : null,
    passed: c.messages === 0,
    studios: {
      columns: [{ label: 'Studio' }, { label: 'Texts', numeric: true }, { label: 'Leads', numeric: true }],
      rows: c.studios.map((s) => [{ text: s.studio_id, href: studioHref(slug.get(s.studio_id) ?? '') }, int(s.messages), int(s.leads)]),
    },
    examples:
      c.examples && c.examples.length > 0
        ? {
            columns: [{ label: 'Number' }, { label: 'Studio' }, { label: 'Last text' }],
            rows: c.examples.map((e) => [e.phone, e.studio_id, /^\d{4}-\d{2}-\d{2}$/.test(e.date) ? day(e.date) : e.date]),
            note: 'A few affected leads, by the last 4 digits of their number; the full list stays with the analyst.',
          }
        : null,
  };
}

export function checksFigure(report: ReportData): Figure {
  return complianceFigure(
    report.compliance.map((c) => ({ title: checkTitle(c), messages: c.messages, leads: c.leads })),
    { id: 'rules' },
  );
}

export interface PolicyView {
  sentence: string;
  table: TableModel;
}

/** What each policy would have saved, when the report says. */
export function policyView(report: ReportData): PolicyView | null {
  const policies = report.policies;
  if (!policies || policies.length === 0) return null;
  const attributed = report.totals.attributed_opt_outs;
  // a share of the month's opt-outs: a whole percent, as the overview gives it
  const shareOf = (n: number): string => (attributed > 0 ? share(n / attributed) : '–');
  const single = policies.filter((p) => p.policy !== 'all_of_the_above');
  const best = [...single].sort((a, b) => b.opt_outs_avoided - a.opt_outs_avoided)[0];
  const all = policies.find((p) => p.policy === 'all_of_the_above');
  const sentence = best
    ? `The single policy that would have saved most: ${best.description.toLowerCase()}, avoiding ${int(best.opt_outs_avoided)} opt-outs (${shareOf(best.opt_outs_avoided)} of the month's) by not sending ${int(best.messages_avoided)} texts${all ? `; all of them together, ${int(all.opt_outs_avoided)} opt-outs (${shareOf(all.opt_outs_avoided)}).` : '.'}`
    : 'No policy would have avoided an opt-out.';
  return {
    sentence,
    table: {
      columns: [{ label: 'Policy' }, { label: 'Texts not sent', numeric: true }, { label: 'Opt-outs avoided', numeric: true }, { label: "Of the month's opt-outs", numeric: true }],
      rows: policies.map((p) => [p.description, int(p.messages_avoided), int(p.opt_outs_avoided), shareOf(p.opt_outs_avoided)]),
      note: 'Opt-outs traced to the texts a policy would have stopped; a lead may have opted out later anyway.',
    },
  };
}
