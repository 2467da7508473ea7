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
