/** Types shared by the modules of @kaizen/tokens (kept here so that no two modules import each other). */

/** Counts the tokens of a text. */
export type Counter = (text: string) => number;
