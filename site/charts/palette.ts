/** Okabe-Ito, safe for the common kinds of colour blindness. */
export const OKABE_ITO = {
  orange: '#E69F00',
  sky: '#56B4E9',
  green: '#009E73',
  yellow: '#F0E442',
  blue: '#0072B2',
  vermillion: '#D55E00',
  purple: '#CC79A7',
  grey: '#8C8C8C',
  black: '#1A1A1A',
} as const;

/** Cohort flags: above the month's rate, below it, neither. */
export const FLAG_COLORS = { high: OKABE_ITO.vermillion, low: OKABE_ITO.blue, within: OKABE_ITO.grey } as const;

/**
 * Provider error codes: the usual ones keep one colour in every report, chosen so the codes that
 * sit next to each other in a stacked bar differ in hue and in lightness (30007 carrier filtering
 * dark orange against 30003 unreachable blue, 30005 unknown number green against 30006 landline
 * light orange). Other codes take the colours left, in order.
 */
export const ERROR_CODE_COLORS: Record<string, string> = {
  '30007': OKABE_ITO.vermillion,
  '30003': OKABE_ITO.blue,
  '30005': OKABE_ITO.green,
  '30006': OKABE_ITO.orange,
  '21610': OKABE_ITO.purple,
  '30008': OKABE_ITO.sky,
};

/** The colours of the other codes, in order. */
export const ERROR_COLORS = [OKABE_ITO.yellow, OKABE_ITO.grey, OKABE_ITO.black, OKABE_ITO.sky, OKABE_ITO.purple, OKABE_ITO.green];

/** The colour of each code of `codes` (in their fixed order), known codes first by their own colour. */
export function errorColors(codes: string[]): string[] {
  let other = 0;
  return codes.map((c) => ERROR_CODE_COLORS[c] ?? (ERROR_COLORS[other++ % ERROR_COLORS.length] as string));
}
