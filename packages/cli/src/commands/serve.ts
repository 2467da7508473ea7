import type { Command } from 'commander';

/** Placeholder; filled by the work on this command. */
export function registerServe(_program: Command): void {}
