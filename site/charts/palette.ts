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

/** Provider error codes, in a fixed order so a code keeps its colour on every chart. */
export const ERROR_COLORS = [OKABE_ITO.vermillion, OKABE_ITO.orange, OKABE_ITO.sky, OKABE_ITO.blue, OKABE_ITO.green, OKABE_ITO.purple, OKABE_ITO.yellow, OKABE_ITO.grey];
