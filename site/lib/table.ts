/** A table as the pages render it: cells are text (escaped by Astro), optionally a link. */

export type Cell = string | { text: string; href: string };

export interface Column {
  label: string;
  /** Right-aligned, tabular figures. */
  numeric?: boolean;
}

export interface TableModel {
  columns: Column[];
  rows: Cell[][];
  /** Shown under the table: "Top 100 of 145 campaigns by texts reached". */
  note?: string;
}

export const cellText = (c: Cell): string => (typeof c === 'string' ? c : c.text);
