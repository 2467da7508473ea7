/**
 * Runs before every test file. Property tests explore fresh inputs on each local run; under CI
 * they use one fixed seed, so whether a change lands never depends on luck. Every property
 * failure prints its seed: replay it with FC_SEED=<seed> (FUZZ_SEED for the server fuzz).
 */
import fc from 'fast-check';

if (process.env.CI && !process.env.FC_SEED) process.env.FC_SEED = '20261124';
if (process.env.CI && !process.env.FUZZ_SEED) process.env.FUZZ_SEED = process.env.FC_SEED;
if (process.env.FC_SEED) fc.configureGlobal({ seed: Number(process.env.FC_SEED) });
