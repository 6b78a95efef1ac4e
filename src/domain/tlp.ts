// FIRST Traffic Light Protocol 2.0: what each label means, in one line, and its colour. One source for
// the e-mails, the pages and the CSAF export.
export const tlpLabels = ['CLEAR', 'GREEN', 'AMBER', 'AMBER+STRICT', 'RED'] as const;
export type TlpLabel = (typeof tlpLabels)[number];

export const tlpMeanings: Record<TlpLabel, string> = {
  CLEAR: 'Recipients can spread this to the world: there is no limit on disclosure.',
  GREEN: 'Recipients can share this within their community, but not publicly.',
  AMBER: 'Recipients can share this within their organisation and its clients, on a need-to-know basis only.',
  'AMBER+STRICT': 'Recipients can share this within their own organisation only, on a need-to-know basis.',
  RED: 'For the eyes and ears of individual recipients only, no further disclosure.',
};

/** The label colours TLP 2.0 prescribes (on a black background). */
export const tlpColours: Record<TlpLabel, string> = {
  CLEAR: '#FFFFFF',
  GREEN: '#33FF00',
  AMBER: '#FFC000',
  'AMBER+STRICT': '#FFC000',
  RED: '#FF2B2B',
};

export function tlpMeaning(label: string): string {
  return tlpMeanings[label as TlpLabel] ?? '';
}
