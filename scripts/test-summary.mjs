#!/usr/bin/env node
// Prints the suite's closing line from vitest's JSON report: "Tests: N passed, N failed".
// A test file that failed to run (an import error, a failing beforeAll) has no failed test of
// its own, so it counts as one failure; so does a run vitest itself failed (unhandled errors),
// when its exit status (second argument) says so and nothing else failed.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

const path = process.argv[2] ?? '.vitest-report.json';
const vitestStatus = Number(process.argv[3] ?? 0);
let report;
try {
  report = JSON.parse(readFileSync(path, 'utf8'));
} catch {
  console.log('Tests: 0 passed, 1 failed');
  console.error(`no test report at ${path}: vitest did not finish`);
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
const brokenFiles = (report.testResults ?? []).filter(
  (file) => file.status === 'failed' && !file.assertionResults?.some((test) => test.status === 'failed'),
);
for (const file of brokenFiles) {
  console.error(`test file failed to run: ${relative(process.cwd(), file.name)}${file.message ? `: ${file.message}` : ''}`);
}
let failed = (report.numFailedTests ?? 0) + brokenFiles.length;
if (failed === 0 && vitestStatus !== 0) {
  console.error(`vitest exited with status ${vitestStatus} (see the errors above)`);
  failed = 1;
}
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`Tests: ${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ''));
process.exit(failed > 0 || passed === 0 ? 1 : 0);
