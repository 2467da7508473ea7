import type { Command } from 'commander';

/** Placeholder; filled by the work on this command. */
export function registerStats(_program: Command): void {}
