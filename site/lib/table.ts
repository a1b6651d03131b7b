/** A table as the pages render it: cells are text (escaped by Astro), optionally a link. */

export type Cell = string | { text: string; href: string };

export interface Column {
  label: string;
  /** Right-aligned, tabular figures. */
  numeric?: boolean;
  /** The column a reader looks for (the rate): kept in view on a phone while the table scrolls sideways. */
  key?: boolean;
  /** false: on screen only, left out in print (so a wide table fits the page). */
  print?: boolean;
}

/** The key column of a table: the one marked `key`, else the first named Rate, Share or Extra opt-outs; -1 for none. */
export function keyColumn(columns: Column[]): number {
  const marked = columns.findIndex((c) => c.key);
  if (marked > 0) return marked;
  return columns.findIndex((c, i) => i > 0 && /^(rate|share|extra opt-outs|extra)$/i.test(c.label.trim()));
}

/**
 * Column headings are kept on one line, so a short heading over numbers never breaks; a heading
 * longer than this (a studio's name over its column, "Reachable at month end") may wrap when the
 * table is short of room, or seven studios' names would make a table wider than any screen.
 */
export const LONG_HEADING = 16;

export const wrapsHeading = (c: Column): boolean => c.label.length > LONG_HEADING;

export interface TableModel {
  columns: Column[];
  rows: Cell[][];
  /** Shown under the table: "Top 100 of 145 campaigns by texts reached". */
  note?: string;
}

export const cellText = (c: Cell): string => (typeof c === 'string' ? c : c.text);
