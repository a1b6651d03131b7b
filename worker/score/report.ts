import { int, pct } from '../catalog/format.ts';
import { SCORE_ACTION_CATALOG, SCORE_ACTIONS } from '../catalog/index.ts';
import type { BacktestResult } from './backtest.ts';
import type { ScoreResult } from './index.ts';
import { expectedOptOuts } from './page.ts';

/** Rows not scored that the command line lists one by one. */
const REJECTED_SHOWN = 20;

/** The month's total against the prediction, in words. */
export function totalSentence(b: BacktestResult): string {
  if (b.total.verdict === 'more') {
    return `more opt-outs than the months before predict, beyond chance: the month had trouble the past did not show (see its spikes in the report)`;
  }
  if (b.total.verdict === 'fewer') return 'fewer opt-outs than the months before predict, beyond chance: something that drove them before has stopped';
  return 'as the months before predict, within chance';
}

/** What `optout score` prints on stdout: the leads' summary and the backtest's figures. */
export function scoreReport(result: ScoreResult, out: string): string {
  const lines: string[] = [];
  const l = result.leads;
  if (l) {
    const s = l.summary;
    const notScored = l.rejected > 0 ? `; ${int(l.rejected)} rows not scored (see ${out}/rejected_leads.csv)` : '';
    const dups = l.duplicates > 0 ? `; ${int(l.duplicates)} exact duplicates counted once` : '';
    lines.push(`Leads: ${int(s.leads)} of ${l.file} scored for a first text on ${l.as_of.slice(0, 16).replace('T', ' ')} UTC${notScored}${dups}`);
    const width = Math.max(...SCORE_ACTIONS.map((a) => SCORE_ACTION_CATALOG[a].label.length));
    for (const a of SCORE_ACTIONS) lines.push(`  ${a.padEnd(18)} ${SCORE_ACTION_CATALOG[a].label.padEnd(width)} ${int(s.by_action[a]).padStart(8)}`);
    lines.push(
      `  Opt-outs expected: ${expectedOptOuts(s.expected_all)} if all ${int(s.leads)} are texted, ${expectedOptOuts(s.expected_send)} if only the ${int(s.by_action.send)} marked send are.`,
    );
    // the rows not scored, as file:line: reason (the first few; all are in rejected_leads.csv)
    for (const r of l.rejected_rows.slice(0, REJECTED_SHOWN)) lines.push(`  not scored: ${l.file}:${r.line ?? '?'}: ${r.reason}`);
    if (l.rejected_rows.length > REJECTED_SHOWN) lines.push(`  not scored: ${int(l.rejected_rows.length - REJECTED_SHOWN)} more in rejected_leads.csv`);
  }
  const b = result.backtest;
  if (b) {
    if (lines.length > 0) lines.push('');
    const rate = b.messages > 0 ? b.opted_out / b.messages : 0;
    const off = b.opted_out > 0 ? ` (${b.predicted >= b.opted_out ? '+' : '-'}${Math.round((Math.abs(b.predicted - b.opted_out) / b.opted_out) * 100)}%)` : '';
    lines.push(
      `Backtest of ${b.month}: fitted on ${int(b.fitted_on.reached)} texts from ${b.fitted_on.start} to ${b.fitted_on.end} (${int(b.fitted_on.opted_out)} with an opt-out); ${int(b.messages)} texts of the month predicted`,
      `  AUC            ${b.auc === null ? 'none (the month has texts of one outcome only)' : b.auc.toFixed(3)}`,
      `  Brier score    ${b.brier.toFixed(5)}; predicting the month's overall rate (${pct(rate)}) for every text scores ${b.brier_reference.toFixed(5)}`,
      `  Brier skill    ${b.brier_skill === null ? 'none' : b.brier_skill.toFixed(4)} (1 - Brier / the overall rate's: above 0 beats the overall rate)`,
      `  Opt-outs       ${b.predicted.toFixed(1)} predicted, ${int(b.opted_out)} observed${off}`,
      `  Verdict        ${totalSentence(b)}`,
      '  Calibration by decile of the predicted chance:',
      '    decile     texts  chance from      to  predicted  observed',
      ...b.deciles.map(
        (d) =>
          `    ${String(d.decile).padStart(6)} ${int(d.messages).padStart(9)}  ${pct(d.min_predicted).padStart(11)} ${pct(d.max_predicted).padStart(7)} ${d.predicted.toFixed(1).padStart(10)} ${int(d.observed).padStart(9)}`,
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}
