import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests in Debian's Chromium (playwright-core cannot download browsers here).
 * The global setup starts the sandbox, the backend and the app with `scripts/start.mjs --ephemeral`
 * on ports chosen at run time, and stops them afterwards.
 */
export default defineConfig({
  testDir: 'e2e',
  timeout: 90_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  globalSetup: './e2e/globalSetup.ts',
  reporter: [
    ['list'],
    ['json', { outputFile: 'e2e-test-report/results.json' }],
  ],
  outputDir: 'e2e-test-report/artifacts',
  use: {
    actionTimeout: 20_000,
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    viewport: { width: 1440, height: 900 },
  },
});
