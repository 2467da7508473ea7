// How the examples end when something outside them goes wrong: one line instead of a stack trace.
import { KaizenError } from '@kaizen/sdk';

// `npx tsx examples/lifecycle.ts | head` closes stdout early: a closed pipe is the reader's
// choice, not an error of the example.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// No server at KAIZEN_BASE_URL, a wrong key...: the SDK's message says what and where.
process.on('uncaughtException', (error) => {
  if (!(error instanceof KaizenError)) throw error;
  console.error(`example stopped: ${error.message}`);
  process.exit(1);
});
