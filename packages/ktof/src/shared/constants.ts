/** Version of the KTOF format this codec reads and writes. */
export const KTOF_VERSION = '1';

/**
 * The primer to put before KTOF in a prompt (at most 80 tokens): enough for a model to read
 * KTOF and to answer in it.
 */
export const KTOF_PRIMER =
  'KTOF is indented JSON: "key: value", nesting by indent, {...}/[...] inline JSON (quotes optional). '
  + 'key[N]: a,b = array. key[N]{f1,f2?,g{h}}: = N rows of cells below; f2? empty = absent; g{h} nests. '
  + 'key[N][]: rows are arrays. key[N:]{f}: = "name: cells" entries. "- " = list item. "" = empty string.';
