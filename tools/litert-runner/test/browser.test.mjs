// The benchmark page in Debian's Chromium (headless, no GPU): served as Graft's Java server will
// serve it, it must POST a result with the requested number of runs and log no console errors.
// Skipped when /usr/bin/chromium is absent.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { ULTRAFACE } from './helpers/cli.mjs';
import { startWebServer } from './helpers/web-server.mjs';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** `promise`, or nothing once `seconds` have passed. */
function withinSeconds(seconds, promise) {
  let timer;
  const late = new Promise((resolve) => { timer = setTimeout(resolve, seconds * 1000); });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

async function benchInBrowser(t, query) {
  const { chromium } = await import('playwright-core');
  const server = await startWebServer(ULTRAFACE);
  t.after(() => server.close());
  // launched as a server so that its process can be killed: a wedged Chromium never answers
  // close(), and the test run would wait for it until CI's own limit
  const chrome = await chromium.launchServer({ executablePath: CHROMIUM, args: ARGS, timeout: 60000 });
  t.after(() => chrome.kill());
  const browser = await chromium.connect(chrome.wsEndpoint(), { timeout: 60000 });
  t.after(() => withinSeconds(10, browser.close()));
  const page = await browser.newPage();
  const errors = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  const result = server.nextResult();
  await page.goto(`${server.url}?model=/model.tflite&${query}`);
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error('no result POSTed within 120 s')), 120000);
  });
  try {
    const posted = await Promise.race([result, timeout]);
    await page.waitForFunction(() => document.title !== 'Graft LiteRT.js benchmark', null, { timeout: 10000 });
    return { posted, errors, page };
  } finally {
    clearTimeout(timer);
  }
}

test('the benchmark page POSTs a wasm result with the requested runs and no console errors', { timeout: 180000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} is not installed (apt-get install chromium)`);
    return;
  }
  const { posted, errors, page } = await benchInBrowser(t, 'runs=7&warmup=2&accelerator=wasm');
  assert.equal(posted.error, undefined, posted.error);
  assert.equal(posted.backend, 'litert-wasm');
  assert.equal(posted.accelerator, 'wasm');
  assert.equal(posted.runs_ms.length, 7);
  assert.ok(posted.runs_ms.every((ms) => typeof ms === 'number' && ms >= 0));
  for (const key of ['load_ms', 'first_inference_ms', 'mean_ms']) assert.ok(posted[key] > 0, key);
  assert.match(posted.userAgent, /Chrome/);
  assert.deepEqual(errors, []);
  assert.match(await page.textContent('#status'), /Done: wasm.*Result sent/);
});

test('the benchmark page falls back to wasm when WebGPU is unavailable and says why', { timeout: 180000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    t.skip(`${CHROMIUM} is not installed (apt-get install chromium)`);
    return;
  }
  const { posted, errors } = await benchInBrowser(t, 'runs=3&warmup=0&accelerator=webgpu');
  assert.equal(posted.requested_accelerator, 'webgpu');
  assert.equal(posted.accelerator, 'wasm');
  assert.equal(typeof posted.fallback_reason, 'string');
  assert.ok(posted.fallback_reason.length > 0);
  assert.equal(posted.runs_ms.length, 3);
  assert.deepEqual(errors, []);
});
