import { fitPoissonRidge } from './glm.ts';

/**
 * Allocating a spike's extra opt-outs to its causes, each extra opt-out once.
 *
 * The messages of the spike's window and of its baseline are grouped into cells: the risk
 * factors a message has (unverified consent, cold lead, old-list blast, frequency, quiet hours,
 * no name, a returning lead, an ignored request) and, in the window, whether it belongs to the
 * campaign with the most extra opt-outs. One Poisson regression with a ridge penalty is fitted
 * to all the cells:
 *
 *   log rate = mu + sum_f beta_f [f]  +  window * (sum_f delta_f [f]  +  tau [not the top campaign])
 *
 * beta_f is a factor's usual risk (what the baseline and the window share), delta_f how much
 * more its messages opted out in the window, tau a general rise of the window's other messages.
 * Fitting them together is what tells factors that travel together apart: a daily challenge
 * raises the rate of the high-frequency messages whether or not their leads' consent is
 * verified, so the rise goes to frequency, not to consent; and a general rise is estimated from
 * every other message of the window, never from the handful that lack one factor. The penalties
 * (normal priors on the log-rates) keep a factor seen on a few messages from taking a large share
 * by chance, and ask for clearer evidence of a general rise than of a factor's own.
 *
 * The causes are then taken in order of precedence: what the audience explains first (the
 * targeting factors), then what the top campaign had beyond that (IRRELEVANT CONTENT: its
 * opt-outs beyond the model's fit, which has no term for the campaign itself: a campaign to a
 * risky audience is an audience problem, one that opts out more than its audience explains a
 * content one), then the missing personalisation of the other messages (the `afterContent`
 * factor: it has no rise in the model either, and takes the opt-outs of its messages outside the
 * top campaign beyond the fit), and what is left is unexplained.
 *
 * Each factor's share has two parts:
 * - mix: more of the window's messages carried the factor than the baseline's did, at the
 *   factor's usual extra risk: N (w_f - w'_f)(r'_f - r'_o). Factors that overlap (an old list
 *   that is also unverified) would count the same messages twice, so when these parts add up to
 *   more than the window's whole composition effect they are scaled down to it;
 * - rate: the fitted extra opt-outs of each window cell, n b (e^(sum delta + tau) - 1), split
 *   among the cell's factors (and the general rise, which is no cause) in proportion to their
 *   positive coefficients.
 * If the parts add up to more than the excess, all are scaled down to it: the shares never sum
 * past 100%.
 */

export interface Cell {
  window: boolean;
  /** Which risk factors the cell's messages have, in the order of the factor names. */
  factors: boolean[];
  /** In the window, the cell's messages belong to the campaign with the most extra opt-outs. */
  topCampaign: boolean;
  n: number;
  x: number;
}

export interface Allocation {
  /** Extra opt-outs per factor (index as in the cells), mix and rate parts together. */
  factors: { mix: number; rate: number; total: number }[];
  /** Extra opt-outs of the top campaign beyond what its messages' factors explain. */
  campaign: number;
  /** The excess no factor or campaign takes. */
  unexplained: number;
  /** The fitted coefficients, for the tests. */
  delta: number[];
  tau: number;
}

/**
 * Ridge penalties (1 / prior variance): a factor's rise in the window sd 0.71 on a log-rate; a
 * general rise sd 0.16; beta, a factor's usual risk, nearly free (sd ~3). Chosen on simulated
 * exports (npm run sweep:causes): with the factors' prior at sd 1, a spike of 20 opt-outs let
 * chance decide between two factors too often.
 */
export const PENALTY = { beta: 0.1, delta: 2, tau: 40 } as const;

/** `afterContent`: the index of the factor weighed after the campaign (missing personalisation), if any. */
export function allocateExcess(cells: Cell[], excess: number, baselineRate: number, afterContent?: number): Allocation {
  const k = cells[0]?.factors.length ?? 0;
  const empty: Allocation = { factors: Array.from({ length: k }, () => ({ mix: 0, rate: 0, total: 0 })), campaign: 0, unexplained: excess, delta: new Array(k).fill(0), tau: 0 };
  const window = cells.filter((c) => c.window && c.n > 0);
  const baseline = cells.filter((c) => !c.window && c.n > 0);
  const N = window.reduce((s, c) => s + c.n, 0);
  const Nb = baseline.reduce((s, c) => s + c.n, 0);
  if (N === 0 || excess <= 0) return empty;

  // Design: [1, beta_1..k, delta_1..k, tau]; the general rise is not fitted on the top
  // campaign's messages, whose extra opt-outs beyond their factors are the campaign's own.
  const general = (c: Cell): boolean => c.window && !c.topCampaign;
  const used = [...window, ...baseline];
  // The factor weighed after the campaign has no rise of its own in the model (a zero column).
  const inModel = (j: number): boolean => j !== afterContent;
  const row = (c: Cell): number[] => [
    1,
    ...c.factors.map((f) => (f ? 1 : 0)),
    ...c.factors.map((f, j) => (f && c.window && inModel(j) ? 1 : 0)),
    general(c) ? 1 : 0,
  ];
  const penalty = [0, ...new Array(k).fill(PENALTY.beta), ...new Array(k).fill(PENALTY.delta), PENALTY.tau];
  const fit = fitPoissonRidge(used.map(row), used.map((c) => c.x), used.map((c) => c.n), penalty);
  const beta = fit.beta.slice(1, 1 + k);
  const delta = fit.beta.slice(1 + k, 1 + 2 * k);
  const tau = fit.beta[1 + 2 * k] as number;
  const mu = fit.beta[0] as number;
  const baseRate = (c: Cell): number => Math.exp(mu + c.factors.reduce((s, f, j) => s + (f ? (beta[j] as number) : 0), 0));

  // Mix: the composition effect of each factor, at the usual rates the model fitted (a factor
  // seen only in the window has its usual rate measured there), scaled to the window's whole
  // composition effect.
  const mix = new Array<number>(k).fill(0);
  const expectedOf = (list: Cell[]): number => list.reduce((s, c) => s + c.n * baseRate(c), 0);
  const messagesOf = (list: Cell[]): number => list.reduce((s, c) => s + c.n, 0);
  for (let j = 0; j < k; j++) {
    const wf = window.filter((c) => c.factors[j]);
    const wo = window.filter((c) => !c.factors[j]);
    const bf = baseline.filter((c) => c.factors[j]);
    if (wf.length === 0) continue;
    const rf = expectedOf(wf) / messagesOf(wf);
    const ro = wo.length > 0 ? expectedOf(wo) / messagesOf(wo) : baselineRate;
    mix[j] = N * (messagesOf(wf) / N - (Nb > 0 ? messagesOf(bf) / Nb : 0)) * (rf - ro);
  }
  const composition = window.reduce((s, c) => s + c.n * baseRate(c), 0) - N * baselineRate;
  const positiveMix = mix.reduce((s, m) => s + Math.max(0, m), 0);
  const mixScale = positiveMix > Math.max(0, composition) && positiveMix > 0 ? Math.max(0, composition) / positiveMix : 1;

  // Rate: each window cell's fitted extra opt-outs, split by its positive deltas and tau (tau's
  // part, a general rise, is no cause's). The top campaign: its opt-outs beyond the fit.
  const rate = new Array<number>(k).fill(0);
  let campaignResidual = 0;
  let afterResidual = 0;
  for (const c of window) {
    const t = general(c) ? tau : 0;
    const parts = c.factors.map((f, j) => (f ? Math.max(0, delta[j] as number) : 0));
    const lift = t + c.factors.reduce((s, f, j) => s + (f ? (delta[j] as number) : 0), 0);
    const fitted = c.n * baseRate(c) * Math.exp(lift);
    if (c.topCampaign) campaignResidual += c.x - fitted;
    else if (afterContent !== undefined && c.factors[afterContent]) afterResidual += c.x - fitted;
    const extra = fitted - c.n * baseRate(c);
    const positive = parts.reduce((s, v) => s + v, 0) + Math.max(0, t);
    if (extra <= 0 || positive <= 0) continue;
    parts.forEach((v, j) => (rate[j] = (rate[j] as number) + (extra * v) / positive));
  }
  let campaign = Math.max(0, campaignResidual);
  if (afterContent !== undefined) rate[afterContent] = Math.max(0, afterResidual);

  const factors = mix.map((m, j) => {
    const mixPart = Math.max(0, m) * mixScale;
    return { mix: mixPart, rate: rate[j] as number, total: mixPart + (rate[j] as number) };
  });
  const allocated = factors.reduce((s, f) => s + f.total, 0) + campaign;
  const scale = allocated > excess ? excess / allocated : 1;
  for (const f of factors) {
    f.mix *= scale;
    f.rate *= scale;
    f.total *= scale;
  }
  campaign *= scale;
  return { factors, campaign, unexplained: excess - allocated * scale, delta, tau };
}
