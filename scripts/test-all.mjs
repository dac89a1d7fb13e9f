#!/usr/bin/env node
// Every check, in order: type check, lint, all jest tests, the Playwright suite.
// Ends with one line `N passed, N failed` (jest and Playwright tests together) and exits non-zero
// when anything failed, including the type check and lint.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reports = path.join(root, 'e2e-test-report');
const only = process.argv.slice(2); // e.g. `jest e2e` to run a subset of the steps

function step(name, command, args, env = {}) {
  if (only.length && !only.includes(name)) return null;
  process.stdout.write(`\n=== ${name}: ${command} ${args.join(' ')}\n`);
  const started = Date.now();
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const ok = result.status === 0;
  process.stdout.write(`=== ${name}: ${ok ? 'ok' : `FAILED (exit ${result.status ?? result.signal})`} in ${seconds}s\n`);
  return ok;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

mkdirSync(reports, { recursive: true });
const jestReport = path.join(reports, 'jest.json');
const e2eReport = path.join(reports, 'results.json');
rmSync(jestReport, { force: true });
rmSync(e2eReport, { force: true });

const bin = name => path.join(root, 'node_modules/.bin', name);
const results = {
  tsc: step('tsc', bin('tsc'), ['--noEmit', '-p', '.']),
  lint: step('lint', bin('backstage-cli'), ['repo', 'lint']),
  jest: step('jest', bin('backstage-cli'), ['repo', 'test', '--ci', '--json', `--outputFile=${jestReport}`], { CI: 'true' }),
  e2e: step('e2e', bin('playwright'), ['test']),
};

let passed = 0;
let failed = 0;
const jest = readJson(jestReport);
if (jest) {
  passed += jest.numPassedTests;
  failed += jest.numFailedTests + (jest.numRuntimeErrorTestSuites ?? 0);
} else if (results.jest !== null) {
  failed += 1; // jest did not even write its report
}
const e2e = readJson(e2eReport);
if (e2e) {
  passed += e2e.stats.expected;
  failed += e2e.stats.unexpected + e2e.stats.flaky;
} else if (results.e2e !== null) {
  failed += 1;
}

const failedSteps = Object.entries(results).filter(([, ok]) => ok === false).map(([n]) => n);
if (failedSteps.length) {
  process.stdout.write(`\nFailed steps: ${failedSteps.join(', ')}\n`);
}
if (!existsSync(bin('playwright'))) {
  process.stdout.write('playwright is not installed: run `tools/yarn install --immutable`\n');
}
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failedSteps.length || failed ? 1 : 0);
