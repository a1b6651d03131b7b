import { RISK_FACTOR_CATALOG, RISK_FACTORS, riskKeyLabel, riskSubject, type RiskFactor } from '../../worker/catalog/index.ts';
import { day, int, pct, times, words } from './format.ts';
import type { AdjustedEffectsData, AdjustedLevel, ReportData } from './schema.ts';
import type { TableModel } from './table.ts';

/**
 * The cohorts page's last section: each group's effect once the other factors are taken into
 * account (report.json's adjusted_effects), beside its plain rate ratio, in words and tables.
 */

export interface AdjustedSection {
  intro: string;
  /** Groups whose adjusted interval is wholly above 1 (largest first), then those wholly below it. */
  clear: string[];
  /** Groups with a high rate whose adjusted effect is within chance: their neighbours explain them. */
  explained: string[];
  tables: { factor: RiskFactor; caption: string; id: string; table: TableModel }[];
}

const lower = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/** "Leads from list_import: 6.0× the rate of leads from web_form, 4.3× once the other factors are taken into account (95% interval 2.2×–8.2×)." */
export function adjustedSentence(factor: RiskFactor, level: AdjustedLevel, reference: string): string {
  const rate = level.rate_ratio === null ? 'a rate' : `${times(level.rate_ratio)} the rate`;
  const interval = level.ci_low !== null && level.ci_high !== null ? ` (95% interval ${times(level.ci_low)}–${times(level.ci_high)})` : '';
  return `${riskSubject(factor, level.key)}: ${rate} of ${lower(riskSubject(factor, reference))}, ${times(level.odds_ratio)} once the other factors are taken into account${interval}.`;
}

function factorTable(factor: AdjustedEffectsData['factors'][number]): TableModel {
  const f = factor.factor;
  return {
    columns: [
      { label: RISK_FACTOR_CATALOG[f].column },
      { label: 'Texts reached', numeric: true },
      { label: 'Opt-outs', numeric: true },
      { label: 'Rate', numeric: true },
      { label: 'Rate vs the reference', numeric: true },
      { label: 'Once the others are taken into account', numeric: true, key: true },
      { label: '95% interval', numeric: true },
    ],
    rows: factor.levels.map((l) => {
      const isReference = l.key === factor.reference;
      return [
        `${riskKeyLabel(f, l.key)}${isReference ? ' (reference)' : ''}`,
        int(l.reached),
        int(l.opted_out),
        pct(l.rate),
        isReference ? '1.0×' : l.rate_ratio === null ? '–' : times(l.rate_ratio),
        isReference ? '1.0×' : times(l.odds_ratio),
        l.ci_low === null || l.ci_high === null ? '–' : `${times(l.ci_low)} – ${times(l.ci_high)}`,
      ];
    }),
  };
}

export function adjustedSection(report: ReportData): AdjustedSection | null {
  const a = report.adjusted_effects;
  if (!a) return null;
  const levels = a.factors.flatMap((f) => f.levels.filter((l) => l.key !== f.reference).map((l) => ({ factor: f.factor, reference: f.reference, level: l })));
  // the risks first, largest first; then the groups clearly safer than their reference
  const raising = levels.filter(({ level: l }) => l.ci_low !== null && l.ci_low > 1).sort((x, y) => y.level.odds_ratio - x.level.odds_ratio);
  const lowering = levels.filter(({ level: l }) => l.ci_high !== null && l.ci_high < 1).sort((x, y) => x.level.odds_ratio - y.level.odds_ratio);
  const clear = [...raising.slice(0, 5), ...lowering.slice(0, 3)].map(({ factor, reference, level }) => adjustedSentence(factor, level, reference));
  const explained = levels
    .filter(({ level: l }) => l.rate_ratio !== null && l.rate_ratio >= 1.5 && l.ci_low !== null && l.ci_low <= 1)
    .sort((x, y) => (y.level.rate_ratio ?? 0) - (x.level.rate_ratio ?? 0))
    .slice(0, 4)
    .map(({ factor, reference, level }) => adjustedSentence(factor, level, reference));
  const { start, end, reached, opted_out } = a.fitted_on;
  const intro =
    `Groups overlap (imported leads, say, are often old and without verified consent), so a group's own rate mixes its effect with that of the groups it overlaps. ` +
    `One model of all ${int(reached)} texts from ${day(start)} to ${day(end)} (${int(opted_out)} of them followed by an opt-out) weighs the ${words(RISK_FACTORS.length)} factors together: ` +
    `for each group, how its chance of an opt-out compares with its factor's reference group (the one with most texts) once the other factors are taken into account.`;
  return {
    intro,
    clear,
    explained,
    tables: a.factors.map((f) => ({
      factor: f.factor,
      caption: `${RISK_FACTOR_CATALOG[f.factor].column}: the rate and the effect once the other factors are taken into account, against ${lower(riskSubject(f.factor, f.reference))}`,
      id: `adjusted-${f.factor.replaceAll('_', '-')}`,
      table: factorTable(f),
    })),
  };
}
