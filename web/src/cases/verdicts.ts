import type { CasePin } from '../api/types';

export type VerdictOrNone = NonNullable<CasePin['verdict']> | 'undecided';

export const VERDICT_WORDS: Readonly<Record<VerdictOrNone, string>> = {
  malicious: 'Malicious',
  suspicious: 'Suspicious',
  undecided: 'Undecided',
  'false-positive': 'False positive',
  benign: 'Benign',
};

export const VERDICT_CHOICES: readonly VerdictOrNone[] = ['undecided', 'malicious', 'suspicious', 'false-positive', 'benign'];

/** The ring a pinned node gets in the graph, by verdict. */
export const VERDICT_COLOURS: Readonly<Record<VerdictOrNone, string>> = {
  malicious: '#d33a2c',
  suspicious: '#e07b00',
  undecided: '#3d8bfd',
  'false-positive': '#8b8f96',
  benign: '#3f9d3a',
};
