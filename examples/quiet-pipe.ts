// `npx tsx examples/lifecycle.ts | head` closes stdout early: end quietly instead of with an
// EPIPE stack trace (a closed pipe is the reader's choice, not an error of the example).
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
