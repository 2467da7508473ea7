import type { Command } from 'commander';

/** Placeholder; filled by the work on this command. */
export function registerKeys(_program: Command): void {}
