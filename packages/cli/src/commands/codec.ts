import type { Command } from 'commander';

/** Placeholder; filled by the work on this command. */
export function registerCodec(_program: Command): void {}
