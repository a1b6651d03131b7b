import { safe } from '../catalog/mask.ts';
import { dec, int, pct } from '../catalog/format.ts';
import { RISK_FACTOR_CATALOG, riskKeyLabel, SCORE_ACTION_CATALOG, SCORE_ACTIONS, type ScoreAction } from '../catalog/index.ts';
import type { ScoreSummary, ScoredLead } from './index.ts';

/**
 * scores.html: one page to hand round before the leads are texted. Safe to share: every value
 * from the data goes through the phone masker (a number shows its last 4 digits only), and the
 * page holds no message text.
 */

const esc = (s: string): string => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
const shown = (s: string): string => esc(safe(s));

/** At most this many leads are listed on the page (all are in scores.csv). */
export const PAGE_LIMIT = 2000;

export function expectedOptOuts(n: number): string {
  return n < 10 ? dec(n) : int(n);
}

/** The summary line, as the page and the command line say it. */
export function summaryLine(s: ScoreSummary): string {
  const counts = SCORE_ACTIONS.map((a) => `${int(s.by_action[a])} ${SCORE_ACTION_CATALOG[a].label.toLowerCase()}`).join(', ');
  return `${int(s.leads)} leads: ${counts}. Texting all of them would bring about ${expectedOptOuts(s.expected_all)} opt-outs; texting only the ${int(s.by_action.send)} marked send, about ${expectedOptOuts(s.expected_send)}.`;
}

function reasons(lead: ScoredLead): string {
  if (lead.factors.length === 0) return 'nothing above a typical text';
  return lead.factors
    .map((f) => `${RISK_FACTOR_CATALOG[f.factor].column}: ${riskKeyLabel(f.factor, f.key)} (${f.times.toFixed(1)}×)`)
    .join('; ');
}

function leadTable(action: ScoreAction, leads: ScoredLead[], limit: number): string {
  const rows = leads.slice(0, limit).map(
    (l) => `<tr><th scope="row">${shown(l.lead_id)}</th><td>${shown(l.studio_id)}</td><td>${shown(l.phone)}</td><td class="num">${pct(l.chance)}</td><td>${shown(reasons(l))}</td><td>${shown(l.why)}</td></tr>`,
  );
  const more = leads.length > limit ? `<p class="note">The first ${int(limit)} of ${int(leads.length)}, most at risk first; all are in scores.csv.</p>` : '';
  return `<section id="${action.replaceAll('_', '-')}">
<h2>${esc(SCORE_ACTION_CATALOG[action].label)} <span class="count">${int(leads.length)}</span></h2>
<p class="rule">${esc(action === 'send' ? 'None of the rules above holds.' : `When ${SCORE_ACTION_CATALOG[action].rule}.`)}</p>
${
  leads.length === 0
    ? '<p class="quiet">No lead.</p>'
    : `<div class="wrap"><table><caption>${esc(SCORE_ACTION_CATALOG[action].label)}: the leads, most at risk first</caption>
<thead><tr><th scope="col">Lead</th><th scope="col">Studio</th><th scope="col">Number</th><th scope="col" class="num">Chance of an opt-out</th><th scope="col">Raises it most</th><th scope="col">Why</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>${more}`
}
</section>`;
}

export interface PageInput {
  file: string;
  summary: ScoreSummary;
  leads: ScoredLead[];
  rejected: { line: number | null; reason: string }[];
  duplicates: number;
  asOf: string;
  fittedOn: { start: string; end: string; reached: number; opted_out: number };
  generatedBy: string;
}

export function scoresPage(input: PageInput): string {
  const { summary, leads } = input;
  const byAction = new Map<ScoreAction, ScoredLead[]>(SCORE_ACTIONS.map((a) => [a, []]));
  for (const l of leads) byAction.get(l.action)?.push(l);
  let budget = PAGE_LIMIT;
  const sections = SCORE_ACTIONS.map((a) => {
    const list = [...(byAction.get(a) ?? [])].sort((x, y) => y.chance - x.chance || (x.lead_id < y.lead_id ? -1 : 1));
    const limit = Math.max(0, Math.min(list.length, budget));
    budget -= limit;
    return leadTable(a, list, limit);
  });
  const rejected =
    input.rejected.length === 0
      ? ''
      : `<section id="rejected"><h2>Rows not scored <span class="count">${int(input.rejected.length)}</span></h2>
<p class="rule">Rows of ${shown(input.file)} that break the leads format, with the line where each starts.</p>
<div class="wrap"><table><caption>Rows not scored, by line</caption><thead><tr><th scope="col" class="num">Line</th><th scope="col">Reason</th></tr></thead>
<tbody>${input.rejected
          .slice(0, PAGE_LIMIT)
          .map((r) => `<tr><th scope="row" class="num">${r.line ?? ''}</th><td>${shown(r.reason)}</td></tr>`)
          .join('\n')}</tbody></table></div></section>`;
  const duplicates = input.duplicates > 0 ? ` ${int(input.duplicates)} exact duplicate ${input.duplicates === 1 ? 'row was' : 'rows were'} counted once.` : '';
  const date = input.asOf.slice(0, 16).replace('T', ' ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Before you text these leads</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 1.5rem auto; max-width: 72rem; padding: 0 1rem; color: #1d232a; }
h1 { font-size: 1.5rem; margin-bottom: .25rem; } h2 { font-size: 1.15rem; margin-top: 1.75rem; }
.count { color: #5b6570; font-weight: normal; } .rule, .note, .quiet, .about { color: #4a535c; }
.summary { font-size: 1.05rem; background: #f3f5f7; padding: .75rem 1rem; border-radius: 6px; }
.wrap { overflow-x: auto; } table { border-collapse: collapse; width: 100%; font-size: .92rem; }
caption { text-align: left; position: absolute; left: -9999px; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #e1e5e9; vertical-align: top; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
@media print { .wrap { overflow: visible; } }
</style>
</head>
<body>
<h1>Before you text these leads</h1>
<p class="about">${int(summary.leads)} leads of ${shown(input.file)}, scored against ${int(input.fittedOn.reached)} texts of the export (${esc(input.fittedOn.start)} to ${esc(input.fittedOn.end)}) for a first text on ${esc(date)} UTC.${duplicates}</p>
<p class="summary">${shown(summaryLine(summary))}</p>
<p class="about">The chance is the model's for a first text: none in the week before, at the studio's usual hour and of its usual kind. "Raises it most" names the two facts about the lead that raise that chance most above a typical text, with how many times the odds; numbers show their last four digits only.</p>
${sections.join('\n')}
${rejected}
<p class="note">${esc(input.generatedBy)}</p>
</body>
</html>
`;
}
