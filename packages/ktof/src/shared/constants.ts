/** Version of the KTOF format this codec reads and writes. */
export const KTOF_VERSION = '1';

/**
 * The primer to put before KTOF in a prompt (at most 80 o200k tokens): enough for a model to
 * read KTOF and to answer in it.
 */
export const KTOF_PRIMER =
  'KTOF = JSON, indent nests, quotes optional. k[N]: a,b array. '
  + 'k[N]{a=v,b?,c{d},e[]{f}}: N rows, a=v always, b? absent if blank or missing, c{d} nested, e[] rows below. '
  + 'k[N][]: array rows. k[N:]{f}: name: cells. - item';

/**
 * The default `maxDepth` of encode and decode (and parseJson): at most this many containers nest
 * in a value, the root one included (`[[1]]` nests 2). Both sides count the same way, so a text
 * encode writes under a limit always decodes under it, and decode refuses what encode would.
 * Real documents nest a few dozen levels; 1000 leaves room for generated ones while the codec's
 * recursion (the encoder's planner, inline JSON) stays far inside a JavaScript stack, so deeper
 * input gets a `too_deep` error instead of a stack overflow. Raising the option is allowed; past
 * what the runtime's stack holds the error is still `too_deep`.
 */
export const DEFAULT_MAX_DEPTH = 1000;
