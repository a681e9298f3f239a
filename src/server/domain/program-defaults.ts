import type { CriterionSource } from './key-account-selection.js';

/** The selection criteria a new installation starts with (admins change weights, add or switch off). */
export const DEFAULT_CRITERIA: readonly { key: string; name: string; description: string; source: CriterionSource; weight: number }[] = [
  { key: 'annual_revenue', name: 'Annual revenue', description: "The account's annual revenue with us", source: 'annual_revenue', weight: 20 },
  { key: 'gross_profit', name: 'Gross profit', description: 'Gross profit we make on the account per year', source: 'gross_profit', weight: 20 },
  { key: 'growth_potential', name: 'Growth potential', description: 'How much more they could buy from us (1–5)', source: 'judgement', weight: 15 },
  { key: 'strategic_image', name: 'Strategic image', description: '"Marquee" value, a door-opener to other customers (1–5)', source: 'judgement', weight: 10 },
  { key: 'fit', name: 'Fit', description: 'Ways of working, digital maturity (1–5)', source: 'judgement', weight: 10 },
  { key: 'willingness_to_cooperate', name: 'Willingness to cooperate', description: 'Openness to a partnership with us (1–5)', source: 'judgement', weight: 10 },
  { key: 'lifetime_value', name: 'Lifetime value', description: 'Contribution recorded so far (gross profit − cost to serve, all quarters)', source: 'lifetime_value', weight: 15 },
];

/** The partnership signals a new installation starts with. */
export const DEFAULT_INDICATORS: readonly { key: string; name: string }[] = [
  { key: 'call_us_partner', name: 'They call us a partner' },
  { key: 'evidence_of_value', name: 'Clear evidence of added value' },
  { key: 'understand_strategy', name: 'We understand their strategy' },
  { key: 'share_confidential', name: 'They share confidential information' },
  { key: 'price_resistance_falling', name: 'Price resistance falling' },
  { key: 'ask_advice', name: 'They ask our advice beyond our core service' },
  { key: 'rolling_agreement', name: 'Rolling rather than fixed-term agreement' },
  { key: 'they_host_us', name: 'They host us' },
  { key: 'shape_tenders', name: 'They invite us to shape tenders' },
  { key: 'joint_action_plans', name: 'Joint action plans exist' },
  { key: 'they_refer_us', name: 'They refer us' },
  { key: 'no_nasty_surprises', name: 'No nasty surprises' },
  { key: 'multi_level_relationships', name: 'Strong multi-level relationships' },
  { key: 'growing_sales_profit', name: 'Growing sales and profit' },
  { key: 'adopt_new_offers', name: 'They adopt our new offers' },
  { key: 'joint_case_studies', name: 'Joint case studies' },
  { key: 'logo_beside_theirs', name: 'Our logo beside theirs' },
  { key: 'tolerance', name: 'Tolerance when something goes wrong' },
  { key: 'feedback_openly', name: 'Feedback handled openly' },
  { key: 'bend_rules', name: 'They bend rules to keep us' },
];
