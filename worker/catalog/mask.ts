/**
 * The one helper every displayed string from the data goes through. Studio ids can be phone
 * numbers (a Twilio-only export names studios by their number) and campaign or source names are
 * free text, so anything that looks like a phone number, 7 or more digits with the usual
 * separators (spaces, dots, dashes, brackets, a leading +), is shown as `(•••) •••-0123`: only
 * its last 4 digits. Dates (`2026-09-08`, with or without a time) are not phone numbers.
 */

const DATE = /\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?(?!\d)/g;
const NUMBER = /\+?\(?\d(?:[\d \u00a0.()\-\u2010-\u2015/]*\d)?/g;
/** Dates are set aside while numbers are masked, so `s1-2026-04-14-1830` keeps its date. */
const HOLE = /\u0000(\d+)\u0000/g;

/** The minimum count of digits that makes a run a phone number. */
export const PHONE_DIGITS = 7;

/** `+12125550123` -> `(•••) •••-0123`. */
export function maskedNumber(digits: string): string {
  return `(•••) •••-${digits.slice(-4)}`;
}

/** `+1 (415) 555-0101` -> `+• (•••) •••-0101`: the notation stays, only the last 4 digits show. */
function maskedInPlace(run: string): string {
  let keep = 4;
  return [...run]
    .reverse()
    .map((c) => (/\d/.test(c) ? (keep-- > 0 ? c : '•') : c))
    .reverse()
    .join('');
}

/** A decimal such as 1.959964 is not a phone number; 555.0101 is. */
const DECIMAL = /^\d+\.\d+$/;
const LOCAL_DOTTED = /^\d{3}\.\d{4}$/;

export interface MaskOptions {
  /** Keep the number's notation (for prose); by default every number reads `(•••) •••-0123`. */
  keepFormat?: boolean;
}

/** Masks every phone-like run of digits in a string; leaves everything else as it is. */
export function safe(text: string, options: MaskOptions = {}): string {
  const dates: string[] = [];
  const withHoles = text.replaceAll('\u0000', '').replace(DATE, (date) => `\u0000${dates.push(date) - 1}\u0000`);
  const masked = withHoles.replace(NUMBER, (run) => {
    const digits = run.replace(/\D/g, '');
    if (digits.length < PHONE_DIGITS || (DECIMAL.test(run) && !LOCAL_DOTTED.test(run))) return run;
    return options.keepFormat ? maskedInPlace(run) : maskedNumber(digits);
  });
  return masked.replace(HOLE, (_hole, i: string) => dates[Number(i)] ?? '');
}

/** Masks the text of trusted HTML (the methodology page), never its tags. */
export function maskHtmlText(html: string): string {
  return html
    .split(/(<[^>]*>)/)
    .map((part) => (part.startsWith('<') ? part : safe(part, { keepFormat: true })))
    .join('');
}

/** True when the string holds something `safe` would mask. */
export function hasPhone(text: string): boolean {
  return safe(text) !== text;
}
