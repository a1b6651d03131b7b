import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import type { TableModel } from '../lib/table.ts';

/**
 * Charts are Observable Plot functions `(rows, {width}) => plot({...})` (Plot.plot, see below)
 * rendered at build time: linkedom is the document, the SVG is inlined in the page. Every chart comes with a
 * title, a one-sentence caption that says what to conclude, a text alternative and its data table.
 */

/** The part of a DOM node the charts use (the project compiles without the DOM library). */
export interface ChartNode {
  tagName: string;
  outerHTML: string;
  attributes: ArrayLike<{ name: string; value: string }>;
  setAttribute(name: string, value: string): void;
  getAttribute(name: string): string | null;
  querySelector(selector: string): ChartNode | null;
  querySelectorAll(selector: string): ArrayLike<ChartNode>;
}

/** A fresh document for Plot. */
function chartDocument(): Plot.PlotOptions['document'] {
  return parseHTML('<!doctype html><html><head></head><body></body></html>').document as Plot.PlotOptions['document'];
}

/** Plot.plot with what every chart shares: a fresh linkedom document and 12px text. */
export function plot(options: Plot.PlotOptions): unknown {
  return Plot.plot({ document: chartDocument(), style: { fontSize: '12px' }, ...options });
}

export interface LegendItem {
  label: string;
  color: string;
  /** How the item is drawn in the chart; 'arrow': the end of an interval that runs beyond the axis. */
  shape: 'dot' | 'bar' | 'line' | 'dash' | 'area' | 'arrow';
}

export interface Figure {
  id: string;
  title: string;
  caption: string;
  /** How to read a chart of an unusual kind (the funnel plots), in one sentence under the caption. */
  howTo?: string;
  svg: string;
  /** The same chart drawn for a phone (NARROW px wide, fewer ticks), shown instead of `svg` on narrow screens. */
  narrow?: string;
  /** The same chart drawn for an A4 page (PRINT px wide), printed instead of `svg` when that is much wider. */
  print?: string;
  legend: LegendItem[];
  table: TableModel;
}

/** The width of the phone variant of every chart: a 390 px screen less the page's padding. */
export const NARROW = 350;

/** The width of the print variant of a wide chart: about the width of an A4 page less its margins. */
export const PRINT = 700;

/** Anything active has no business in a chart: a safety net behind Plot's own escaping (text is set as text). */
const ACTIVE_TAGS = new Set(['script', 'foreignobject', 'iframe', 'object', 'embed', 'a', 'use', 'image', 'animate', 'set']);

function activeContent(svg: ChartNode): string | null {
  for (const el of [svg, ...Array.from(svg.querySelectorAll('*'))]) {
    const tag = el.tagName.toLowerCase();
    if (ACTIVE_TAGS.has(tag)) return `<${tag}>`;
    for (const { name, value } of Array.from(el.attributes)) {
      if (/^on/i.test(name) || /^\s*javascript:/i.test(value) || /href$/i.test(name)) return `${tag} ${name}`;
    }
  }
  return null;
}

const ALT_PLACEHOLDER = '\u0000chart-alternative\u0000';

export function escapeAttribute(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** The SVG of a Plot chart with role="img" and a text alternative, as markup to inline. */
export function toSvg(node: unknown, alt: string): string {
  const chart = node as ChartNode;
  const svg = chart.tagName.toLowerCase() === 'svg' ? chart : chart.querySelector('svg');
  if (!svg) throw new Error('chart: Plot returned no <svg>');
  svg.setAttribute('role', 'img');
  // The serializer leaves < and > as they are in attribute values: the alternative goes in escaped.
  svg.setAttribute('aria-label', ALT_PLACEHOLDER);
  svg.setAttribute('focusable', 'false');
  const active = activeContent(svg);
  if (active) throw new Error(`chart "${alt.slice(0, 60)}": the SVG contains active content (${active})`);
  return svg.outerHTML.replace(ALT_PLACEHOLDER, escapeAttribute(alt));
}

/**
 * Width in px of a text at `size` px, by the widths of DejaVu Sans (the widest of the usual sans
 * fonts, and chromium's on Debian): a margin computed from it leaves room in any font.
 */
export function textWidth(text: string, size = 12): number {
  let em = 0;
  for (const ch of text) {
    if (/[iljI.,:;'|!()[\] ]/.test(ch)) em += 0.32;
    else if (/[ftr]/.test(ch)) em += 0.41;
    else if (/[mwMW]/.test(ch)) em += 0.98;
    else if (/[0-9]/.test(ch)) em += 0.64;
    else if (/[A-Z]/.test(ch)) em += 0.76;
    else if (/[a-z]/.test(ch)) em += 0.63;
    else em += 0.84;
  }
  return em * size;
}

/**
 * A label broken into at most `lines` lines of at most `max` characters: at spaces, else after a
 * - _ / or . inside a long word (campaign ids), else anywhere; what does not fit ends in …
 */
export function wrapLabel(text: string, max = 24, lines = 2): string {
  // pieces: each with whether a space went before it
  const pieces: { text: string; space: boolean }[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const parts = word.length > max ? (word.match(/[^-_/.]+[-_/.]*|[-_/.]+/g) ?? [word]) : [word];
    parts.forEach((part, i) => {
      for (let at = 0; at < part.length; at += max) pieces.push({ text: part.slice(at, at + max), space: i === 0 && at === 0 });
    });
  }
  const out: string[] = [];
  let line = '';
  for (const piece of pieces) {
    const joined = line ? `${line}${piece.space ? ' ' : ''}${piece.text}` : piece.text;
    if (line && joined.length > max) {
      out.push(line);
      line = piece.text;
    } else line = joined;
  }
  if (line) out.push(line);
  if (out.length <= lines) return out.join('\n');
  const kept = out.slice(0, lines);
  kept[lines - 1] = clip(`${kept[lines - 1]}${'\u0000'.repeat(max)}`, max).replaceAll('\u0000', '');
  return kept.join('\n');
}

/** The left margin for axis labels (lines split by \n): the widest line plus the tick and its gap. */
export function marginFor(labels: string[], { size = 12, min = 40, max = 400 }: { size?: number; min?: number; max?: number } = {}): number {
  const widest = Math.max(0, ...labels.flatMap((l) => l.split('\n')).map((l) => textWidth(l, size)));
  return Math.min(max, Math.max(min, Math.ceil(widest) + 12));
}

/** A label cut to fit an axis; the full text stays in the table. */
export function clip(text: string, max = 28): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Axis labels, clipped, and told apart when clipping made two the same. */
export function uniqueLabels(labels: string[], max = 28): string[] {
  const seen = new Set<string>();
  return labels.map((l) => {
    let label = clip(l, max);
    for (let n = 2; seen.has(label); n++) label = `${clip(l, max - 4)} (${n})`;
    seen.add(label);
    return label;
  });
}
