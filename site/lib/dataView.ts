import { int, plural } from './format.ts';
import type { SiteData } from './load.ts';
import { downloadHref } from './paths.ts';
import type { Cell, TableModel } from './table.ts';

/** The Data page: downloads, the reconciliation of the input files, the rejected rows by reason. */

const size = (bytes: number): string => (bytes < 1024 ? `${bytes} B` : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

export interface DataPage {
  lede: string;
  downloads: TableModel;
  inputs: TableModel;
  ignored: TableModel | null;
  rejected: TableModel | null;
  rejectedAbout: string;
}

export function dataPage(data: SiteData): DataPage {
  const { report } = data;
  const total = report.inputs.reduce(
    (s, f) => ({ rows: s.rows + f.rows, accepted: s.accepted + f.accepted, rejected: s.rejected + f.rejected, duplicates: s.duplicates + f.duplicates }),
    { rows: 0, accepted: 0, rejected: 0, duplicates: 0 },
  );
  const adds = (f: { rows: number; accepted: number; rejected: number; duplicates: number }): string =>
    f.rows === f.accepted + f.rejected + f.duplicates ? 'yes' : 'NO';
  const rejectedRows = data.rejected ?? [];
  // leads rows that updated a lead an earlier file loaded (a part of accepted): a column only when there are some
  const updated = report.inputs.reduce((s, f) => s + (f.updated ?? 0), 0);
  const withUpdated = (cells: string[], n: number | undefined): string[] => (updated > 0 ? [...cells.slice(0, 4), int(n ?? 0), ...cells.slice(4)] : cells);
  return {
    lede: `${plural(total.rows, 'row')} from ${plural(report.inputs.length, 'file')}: ${int(total.accepted)} accepted${updated > 0 ? ` (${int(updated)} of them ${updated === 1 ? 'a lead' : 'leads'} exported again with new values)` : ''}, ${int(total.rejected)} rejected, ${plural(total.duplicates, 'exact duplicate')} dropped.`,
    downloads: {
      columns: [{ label: 'Table' }, { label: 'What it holds' }, { label: 'CSV' }, { label: 'Parquet' }],
      rows: data.downloads.map((d): Cell[] => [
        d.table,
        d.masked ? `${d.description} Numbers in names are masked as on the pages.` : d.description,
        { text: `${d.csv.name} (${size(d.csv.bytes)})`, href: downloadHref(d.csv.name) },
        d.parquet ? { text: `${d.parquet.name} (${size(d.parquet.bytes)})`, href: downloadHref(d.parquet.name) } : d.masked ? 'left out: it would show numbers' : '–',
      ]),
    },
    inputs: {
      columns: [
        { label: 'File' },
        { label: 'Table' },
        { label: 'Rows read', numeric: true },
        { label: 'Accepted', numeric: true },
        ...(updated > 0 ? [{ label: 'of which updated leads', numeric: true }] : []),
        { label: 'Rejected', numeric: true },
        { label: 'Duplicates', numeric: true },
        { label: 'Adds up' },
      ],
      rows: [
        ...report.inputs.map((f) => withUpdated([f.file, f.table, int(f.rows), int(f.accepted), int(f.rejected), int(f.duplicates), adds(f)], f.updated)),
        withUpdated(['All files', '', int(total.rows), int(total.accepted), int(total.rejected), int(total.duplicates), adds(total)], updated),
      ],
    },
    ignored:
      report.ignored_files.length > 0
        ? { columns: [{ label: 'File' }, { label: 'Why' }], rows: report.ignored_files.map((f) => [f.file, f.why]) }
        : null,
    rejected:
      rejectedRows.length > 0
        ? {
            columns: [{ label: 'File' }, { label: 'Table' }, { label: 'Reason' }, { label: 'Rows', numeric: true }],
            rows: rejectedRows.map((r) => [r.file, r.table, r.reason, int(r.rows)]),
          }
        : null,
    rejectedAbout:
      data.rejected === null
        ? `${plural(total.rejected, 'row')} ${total.rejected === 1 ? 'was' : 'were'} rejected; the list of reasons was not found beside report.json.`
        : total.rejected === 0
          ? 'No row was rejected.'
          : `${plural(total.rejected, 'row')} ${total.rejected === 1 ? 'was' : 'were'} rejected. Counted here by file and reason, without their contents; the rows themselves (with the line of each) are in tables/rejected_rows.csv, which stays with the analyst.`,
  };
}
