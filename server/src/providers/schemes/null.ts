// `null`: stores nothing, every secret is missing (A.7, 0.19+).
import { defineScheme, emptyOnly } from '../scheme';

export const nullScheme = defineScheme('null', {
  shapes: { null: { shape: 'null://', snippet: 'null://' } },
  writes: false,
  refCoordinates: ['field', 'vault', 'section', 'version'],
  storesNothing: true,
  grammar: emptyOnly('null:// takes no authority, path, or query'),
  address: () => 'nothing is stored',
  target: () => 'nothing: the null provider stores no values',
  canonical: () => 'null://',
});
