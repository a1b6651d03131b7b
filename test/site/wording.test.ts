import { beforeAll, describe, expect, it } from 'vitest';
import path from 'node:path';
import { CAUSE_CATALOG, CAUSES } from '../../worker/catalog/index.ts';
import { decompositionCaption } from '../../site/charts/spikes.ts';
import { moreThanUsual } from '../../site/lib/spikeView.ts';
import { breachSentence, distinctSpikes, spikeCount } from '../../site/lib/overview.ts';
import { expected } from '../../site/lib/format.ts';
import type { SpikeRef } from '../../site/lib/load.ts';
import { buildFrom, readAll, type BuiltSite } from './helpers.ts';

/**
 * What the report says, read as its readers read it: the site built from the bundled sample
 * (data/sample, September 2026), its words checked against the numbers beside them. The
 * sample's spikes, policies and provider errors are documented in data/README.md.
 */

const SAMPLE = path.resolve(import.meta.dirname, '..', '..', 'data', 'sample');
let built: BuiltSite;
let files: Map<string, string>;

/** A page's visible text: tags, scripts, styles and SVG out, entities decoded, spaces folded. */
function text(html: string): string {
  return html
    .replace(/<svg[\s\S]*?<\/svg>/g, ' ')
    .replace(/<(script|style)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replaceAll('&quot;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&amp;', '&')
    .replace(/\s+/g, ' ');
}

const page = (name: string): string => {
  const html = files.get(name);
  if (html === undefined) throw new Error(`${name}: not built`);
  return html;
};

beforeAll(async () => {
  built = await buildFrom(SAMPLE, '2026-09');
  files = await readAll(built.site);
}, 120_000);

describe('the overview of the sample', () => {
  it('opens with "Do these first": five actions, each with its opt-outs and a link to an anchor that exists', () => {
    const html = page('index.html');
    const section = html.slice(html.indexOf('id="do-first"'), html.indexOf('</section>', html.indexOf('id="do-first"')));
    // before the KPIs and the findings
    expect(html.indexOf('id="do-first"')).toBeGreaterThan(0);
    expect(html.indexOf('id="do-first"')).toBeLessThan(html.indexOf('id="findings-title"'));
    const items = [...section.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1] as string);
    expect(items.map((i) => text(i).match(/about (\d+) fewer opt-outs? this month/)?.[1])).toEqual(['81', '62', '24', '11', '9']);
    expect(text(items[0] as string)).toContain('Stop texting leads whose consent is missing or came with an imported list: about 81 fewer opt-outs this month.');
    for (const item of items) {
      const link = item.match(/href="([^"]+)"/)?.[1] as string;
      const [file, anchor] = link.split('#');
      expect(anchor, link).toBeTruthy();
      expect(page(path.posix.normalize(file as string)), link).toContain(`id="${anchor}"`);
    }
  });

  it('counts the spikes in words that say which, and the link to them agrees', () => {
    const t = text(page('index.html'));
    expect(t).toContain("Of 4 spikes across all studios (10 counting each studio's own), the largest (23–24 Sep 2026) came mostly from a blast to an old list.");
    expect(t).toContain("All spikes: 4 spikes across all studios (10 counting each studio's own)");
    expect(t).not.toMatch(/All \d+ spikes, by studio/);
    expect(text(page('spikes.html'))).toContain("4 spikes across all studios (10 counting each studio's own), by date");
    // the rule behind the list's numbers is on the methodology page
    expect(page('index.html')).toContain('href="methodology.html#do-these-first"');
    expect(page('methodology.html')).toContain('id="do-these-first"');
  });

  it('says what "traced" means beside the month\'s opt-outs, and which texts came late', () => {
    const t = text(page('index.html'));
    expect(t).toContain('220 opt-outs traced to 11,259 texts (each within 72 hours of a text)');
    expect(t).toContain('8 of the 12 texts that got through came more than 10 business days after the opt-out.');
    expect(t).not.toMatch(/\(\d+ more than 10 business days after\)/);
  });

  it('reconciles the sends the provider blocked with the texts sent after an opt-out, on the overview and the compliance page', () => {
    // 69 attempts blocked with error 21610, 12 texts reached 10 leads after their opt-out: 81 tried
    const sentence = 'The studios tried to send 81 texts to numbers that had opted out: the provider blocked 69 (error 21610), and 12 got through to 10 leads.';
    expect(text(page('index.html'))).toContain(sentence);
    expect(text(page('compliance.html'))).toContain(sentence);
  });

  it('names the rate each alert level is about', () => {
    const t = text(page('index.html'));
    expect(t).toContain("Palm Yoga in September: the 7-day opt-out rate was above 1.3% on 14 days, and a single day's opt-out rate was at or above 5% on 1 day.");
    expect(t).not.toContain('; at or above 5%');
  });
});

describe('the studios of the sample, by their names (s1 Palm Yoga, s2 Iron Works Gym, s3 Lotus Pilates)', () => {
  it('titles each studio\'s spikes with its name, and names their pages after it', () => {
    const spikes = [...files.keys()].filter((f) => f.startsWith('spikes/')).sort();
    expect(spikes).toContain('spikes/2026-09-09-palm-yoga.html');
    expect(spikes).toContain('spikes/2026-09-23-iron-works-gym.html');
    expect(page('spikes/2026-09-09-palm-yoga.html')).toContain('<h1>Spike: Palm Yoga, 9 Sep 2026</h1>');
    expect(text(page('spikes.html'))).toContain('Iron Works Gym, 23 Sep 2026');
    expect(text(page('studios/lotus-pilates.html'))).toContain('Spikes at Lotus Pilates');
    // on the studio's own page its spikes go by their days: the caption names the studio
    const own = page('studios/lotus-pilates.html');
    const table = own.slice(own.indexOf('Spikes at Lotus Pilates'), own.indexOf('</table>', own.indexOf('Spikes at Lotus Pilates')));
    expect(text(table)).toContain('Days');
    expect(text(table)).toContain('16–19 Sep 2026');
    expect(text(table)).not.toContain('Lotus Pilates,');
    expect(text(page('compliance.html'))).toContain('Iron Works Gym');
  });

  it('never shows a studio id, in any page, chart, label or title', () => {
    for (const [file, html] of files) {
      if (!file.endsWith('.html')) continue;
      const seen = `${text(html)} ${[...html.matchAll(/\b(?:aria-label|title)="([^"]*)"/g)].map((m) => m[1]).join(' ')} ${[...html.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)].map((m) => m[1]).join(' ')}`;
      // campaigns keep their ids (s1-weekly-2026-09-07): only a bare s1, s2 or s3 is a studio
      expect(seen.match(/(?<![\w-])s[1-3](?![\w-])/g), file).toBeNull();
    }
  });
});

describe('plain words and one way of writing numbers, on every page but the methodology', () => {
  /** Every text a reader sees or hears: the page's text, the titles and text alternatives, the charts' text. */
  const seen = (html: string): string =>
    `${text(html)} ${[...html.matchAll(/\b(?:aria-label|title)="([^"]*)"/g)].map((m) => m[1]).join(' ')} ${[...html.matchAll(/<text\b[^>]*>([\s\S]*?)<\/text>/g)].map((m) => text(m[1] as string)).join(' ')}`;
  const pages = (): [string, string][] => [...files].filter(([f]) => f.endsWith('.html') && f !== 'methodology.html');

  it('leaves the statisticians\' words to the methodology page', () => {
    const jargon = /\b(?:Wilson|empirical|Bayes(?:ian)?|Laney|Kitagawa|Poisson|overdispersion|binomial|z-tests?|Holm|p-values?|shrunk|lift|adjusted rate|baseline|decomposition|sigma)\b/gi;
    for (const [file, html] of pages()) expect(seen(html).match(jargon), file).toBeNull();
    const method = text(page('methodology.html'));
    for (const word of ['Wilson', 'empirical-Bayes', 'Laney', 'Kitagawa']) expect(method).toContain(word);
    // the page opens with the summary in plain words, before the rules
    expect(method.indexOf('In short')).toBeLessThan(method.indexOf('Reading the export'));
    expect(method.slice(method.indexOf('In short'), method.indexOf('Reading the export'))).not.toMatch(jargon);
  });

  it('says what the columns of the breakdowns mean in words, and how to read each funnel plot', () => {
    const cohorts = page('cohorts.html');
    expect(cohorts.match(/<th scope="col" class="num long">× the month&#39;s rate<\/th>/g)).toHaveLength(11);
    expect(cohorts.match(/<th scope="col" class="num long">Rate allowing for small groups<\/th>/g)).toHaveLength(11);
    expect(cohorts.match(/<p class="how-to">How to read it: /g)).toHaveLength(11);
  });

  it('writes every percentage one way: two decimals below 1%, one from 1% to 99.9%, whole for shares and levels', () => {
    const one = /^(?:\d+%|0\.\d\d%|[1-9]\d?\.\d%|<0\.01%|>99\.9%)$/;
    let count = 0;
    for (const [file, html] of pages()) {
      for (const m of text(html).matchAll(/[<>]?\d[\d.,]*%/g)) {
        count++;
        expect(m[0], `${file}: ${m[0]}`).toMatch(one);
      }
    }
    expect(count).toBeGreaterThan(1000);
    // a share of the month's opt-outs reads the same on the compliance page as on the overview
    expect(text(page('compliance.html'))).not.toMatch(/\(\d+\.\d% of the month's\)/);
  });

  it('writes lead sources in words, not as keys', () => {
    for (const [file, html] of pages()) expect(text(html), file).not.toMatch(/\b(?:list_import|web_form|facebook_lead_ad|walk_in|staff_entry)\b/);
    expect(text(page('index.html'))).toContain('Leads from list import: 5.0% opt-out rate');
  });
});

describe('the spike pages of the sample', () => {
  const spikePages = (): [string, string][] => [...files].filter(([f]) => f.startsWith('spikes/') && f.endsWith('.html'));

  it('has one page per spike, and shows no opt-outs with a decimal ("18.0 extra", "45.9 extra")', () => {
    expect(spikePages()).toHaveLength(10);
    for (const [file, html] of [...spikePages(), ['index.html', page('index.html')] as [string, string], ['spikes.html', page('spikes.html')] as [string, string]]) {
      const t = text(html);
      expect(t, file).not.toMatch(/\d+\.\d+ (extra|more|excess)/);
      expect(t, file).not.toMatch(/\d+\.\d+ (were|was) expected/);
      expect(t, file).not.toMatch(/carried \d+\.\d/);
    }
  });

  it('never says a group carried more than the whole ("19.0 of the 18.0")', () => {
    for (const [file, html] of spikePages()) {
      for (const m of text(html).matchAll(/carried (?:about )?(\d+) of the (\d+) extra/g)) {
        expect(Number(m[1]), `${file}: ${m[0]}`).toBeLessThan(Number(m[2]));
      }
    }
  });

  it('gives each cause a subtitle in the words of its evidence, and the same whole number of extra opt-outs', () => {
    let causes = 0;
    for (const [file, html] of spikePages()) {
      for (const li of html.matchAll(/<li id="cause-[^"]+">([\s\S]*?)<\/li>/g)) {
        causes++;
        const paragraphs = [...(li[1] as string).matchAll(/<p[^>]*>([\s\S]*?)<\/p>/g)].map((m) => text(m[1] as string).trim());
        const [subtitle, evidence] = paragraphs as [string, string];
        const [group, more] = subtitle.split(' · ') as [string, string];
        // "Leads who had 4 or more texts that week" above "... to 341 leads who had 4 or more texts that week"
        expect(evidence.toLowerCase(), `${file}: ${subtitle}`).toContain(group.replace(/^Campaign /, '').toLowerCase());
        // "about 40 more opt-outs than usual" above "40 of the 44 extra opt-outs came from ..."
        const n = more.match(/^about (\d+) more opt-outs? than usual$/)?.[1];
        expect(n, `${file}: ${more}`).toBeDefined();
        expect(evidence, file).toMatch(new RegExp(`^${n} of the \\d+ extra opt-outs`));
      }
    }
    expect(causes).toBeGreaterThanOrEqual(18);
  });

  it('names a campaign only for the cause that is about one: three causes of one spike are not all "Campaign: s3-open-house"', () => {
    const t = text(page('spikes/2026-09-11-lotus-pilates.html'));
    expect(t.match(/Campaign "s3-open-house-2026-09-11"/g)).toHaveLength(1);
    expect(t).toContain('Leads who had already asked to stop · about 6 more opt-outs than usual');
  });

  it('keeps the frequency and the timing causes\' thresholds the same in the subtitle and the text', () => {
    const freq = text(page('spikes/2026-09-16-all.html'));
    expect(freq).toContain('Leads who had 4 or more texts that week · about 40 more opt-outs than usual');
    expect(freq).not.toContain('7 or more texts ·');
    const night = text(page('spikes/2026-09-24-palm-yoga.html'));
    expect(night).toContain('Leads texted before 08:00 or after 21:00 local time · about 10 more opt-outs than usual');
  });

  it('gives the spike\'s extra opt-outs as one whole number, in the summary, the causes and the breakdowns', () => {
    const t = text(page('spikes/2026-09-23-all.html'));
    expect(t).toContain('about 46 more opt-outs than usual');
    expect(t).toContain('25 of the 46 extra opt-outs');
    expect(t).not.toMatch(/of the 4[57] extra/);
  });

  it('names every cause as the catalog does, on the spike pages and the methodology', () => {
    const method = text(page('methodology.html'));
    for (const cause of CAUSES) expect(method, cause).toContain(CAUSE_CATALOG[cause].label);
    expect(method).not.toMatch(/irrelevant content/i);
    for (const [file, html] of spikePages()) {
      for (const h of html.matchAll(/<li id="cause-([a-z-]+)">\s*<h3>([^<]+)</g)) {
        const cause = (h[1] as string).replaceAll('-', '_') as keyof typeof CAUSE_CATALOG;
        expect(text(h[2] as string).trim(), file).toBe(CAUSE_CATALOG[cause].label);
      }
    }
  });
});

describe('the wording rules, on their own', () => {
  const row = (key: string, mix: number, rate: number) => ({ key, reached: 100, opt_outs: 10, baseline_reached: 100, baseline_opt_outs: 1, mix, rate, total: mix + rate });

  it('says a part larger than the whole in a plain sentence, in whole opt-outs', () => {
    const caption = decompositionCaption('lead_source', [row('list_import', 9.5, 9.45), row('walk_in', -0.4, -0.6)], 17.99);
    expect(caption).toBe("List import carried 19 extra opt-outs, more than the spike's 18 in all, as other groups had 1 fewer than usual: 10 because more texts went to it, 9 because it opted out more than usual. Bars left of zero are fewer opt-outs than usual: fewer texts went to that group, or it opted out less.");
    expect(decompositionCaption('lead_source', [row('web_form', 0.04, 5.6)], 10.3)).toBe('Web form carried about 6 of the 10 extra opt-outs: mostly because it opted out more than usual.');
    expect(decompositionCaption('campaign_type', [row('targeted', 0.2, 27.8)], 27.9)).toBe('Targeted campaign carried all of the 28 extra opt-outs: mostly because it opted out more than usual.');
  });

  it('reads extra and expected opt-outs whole', () => {
    expect(moreThanUsual(17.999)).toBe('about 18 more opt-outs than usual');
    expect(moreThanUsual(1.03)).toBe('about 1 more opt-out than usual');
    expect(moreThanUsual(0.3)).toBe('less than one more opt-out than usual');
    expect(expected(1.06)).toBe('about 1 was expected');
    expect(expected(3.05)).toBe('about 3 were expected');
    expect(expected(0.2)).toBe('less than 1 was expected');
  });

  it('counts spikes by which they are', () => {
    const ref = (studio: string | null, start = studio ?? 'all', opt_outs = 10) => ({ spike: { studio_id: studio, start, end: start, reached: 100, opt_outs } }) as unknown as SpikeRef;
    expect(spikeCount([ref(null), ref('s1'), ref('s2')])).toBe("1 spike across all studios (3 counting each studio's own)");
    expect(spikeCount([ref(null), ref(null, 'another day')])).toBe('2 spikes across all studios');
    expect(spikeCount([ref('s1')])).toBe('1 spike in single studios');
    // a studio's spike on the same days, texts and opt-outs as all studios' is that spike again (an export of one studio)
    const same = [ref(null, '2026-09-09'), ref('s1', '2026-09-09'), ref(null, '2026-09-15'), ref('s1', '2026-09-15')];
    expect(spikeCount(same)).toBe('2 spikes across all studios');
    expect(distinctSpikes(same).map((s) => s.spike.studio_id)).toEqual([null, null]);
    expect(spikeCount([ref(null, '2026-09-09'), ref('s1', '2026-09-09', 9)])).toBe("1 spike across all studios (2 counting each studio's own)");
    expect(breachSentence(0, 2)).toBe("a single day's opt-out rate was at or above 5% on 2 days");
  });
});
