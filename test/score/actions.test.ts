import { describe, expect, it } from 'vitest';
import { scoreAction, type ActionInput } from '../../worker/score/actions.ts';

/** A lead that passes every rule: verified consent, in touch lately, at the studio's rate. */
const ok: ActionInput = { doNotText: null, consent: 'verified', engagementDays: 30, chance: 0.005, studioRate: 0.005 };

describe('the action of a lead to be texted, first rule that holds', () => {
  const cases: [string, Partial<ActionInput>, string, string][] = [
    ['nothing against it', {}, 'send', ''],
    ['opted out', { doNotText: 'opted_out' }, 'do_not_text', 'opted out'],
    ['deactivated number', { doNotText: 'deactivated' }, 'do_not_text', 'number deactivated by its carrier'],
    ['asked to stop in words', { doNotText: 'unprocessed_request' }, 'do_not_text', 'asked to stop in words'],
    ['opted out and deactivated', { doNotText: 'deactivated;opted_out' }, 'do_not_text', 'number deactivated by its carrier; opted out'],
    // do_not_text before everything else
    ['opted out, no consent, silent 2 years, high risk', { doNotText: 'opted_out', consent: 'none', engagementDays: 800, chance: 0.5 }, 'do_not_text', 'opted out'],
    ['no consent on record', { consent: 'none' }, 'get_consent_first', 'no consent on record'],
    ['consent by import or an unknown method', { consent: 'unverified' }, 'get_consent_first', 'consent came with an import or by an unknown method'],
    // get_consent_first before check_in_first and send_with_care
    ['no consent, silent 2 years, high risk', { consent: 'none', engagementDays: 800, chance: 0.5 }, 'get_consent_first', 'no consent on record'],
    ['silent exactly 548 days (18 months)', { engagementDays: 548 }, 'check_in_first', 'no contact for 548 days'],
    ['silent 547 days', { engagementDays: 547 }, 'send', ''],
    // check_in_first before send_with_care
    ['silent 2 years and high risk', { engagementDays: 800, chance: 0.5 }, 'check_in_first', 'no contact for 800 days'],
    ['risk just above twice the studio rate', { chance: 0.01001 }, 'send_with_care', "2.0 times the studio's rate"],
    ['risk exactly twice the studio rate', { chance: 0.01 }, 'send', ''],
    ['nothing known of its last contact', { engagementDays: null }, 'send', ''],
  ];
  it.each(cases)('%s', (_name, lead, action, why) => {
    expect(scoreAction({ ...ok, ...lead })).toEqual({ action, why });
  });
});
