// Opens a URL in headless Chromium (Debian's /usr/bin/chromium) with the LiteRT runner's
// playwright-core and waits until the Graft benchmark page has posted its result.
// Usage: node open-in-chromium.mjs RUNNER_DIR URL [TIMEOUT_MS]
// Retries the first load until the server answers (it is started by the test concurrently).
import { createRequire } from 'node:module';
import path from 'node:path';

const [runnerDir, url, timeoutArg] = process.argv.slice(2);
const timeout = Number(timeoutArg ?? 120000);
const require = createRequire(path.join(path.resolve(runnerDir), 'package.json'));
const { chromium } = require('playwright-core');

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
  timeout: 60000,
});
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => process.stderr.write(`page error: ${e.message}\n`));
  const until = Date.now() + 30000;
  for (;;) {
    try {
      await page.goto(url);
      break;
    } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  await page.waitForFunction(() => document.title === 'done' || document.title === 'failed', null, { timeout });
  process.stdout.write(`${await page.title()} ${page.url()}\n`);
} finally {
  await browser.close();
}
