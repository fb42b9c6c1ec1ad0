// What the browser tests share: Debian's chromium through playwright-core (from web/node_modules:
// no browser download), checks that end the run, the phones protocol with the Python driver, the
// API as the logged-in page sees it, screenshots, logging in.
//
// The phones are the Python driver's: a line "@@dial 700" on stdout asks it to act, and it answers
// "ok" (or "error: …") on stdin (tests/e2e/dzvin_e2e.py run_browser).

import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';

const require = createRequire(new URL('../../../web/package.json', import.meta.url));
const { chromium } = require('playwright-core');

export class CheckFailed extends Error {}

export function check(condition, message) {
  if (!condition) throw new CheckFailed(message);
}

export function step(text) {
  console.log(`- ${text}`);
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The driver's answers to "@@..." requests, one line each.
const answers = [];
let answerWaiter = null;
const driver = readline.createInterface({ input: process.stdin });
driver.on('line', (line) => {
  answers.push(line);
  answerWaiter?.();
});

/** Asks the driver to act on the phones and waits until it has. */
export async function phones(request, timeoutMs = 30_000) {
  console.log(`@@${request}`);
  const until = Date.now() + timeoutMs;
  while (answers.length === 0) {
    check(Date.now() < until, `the phones did not do "${request}" in time`);
    await new Promise((resolve) => {
      answerWaiter = resolve;
      setTimeout(resolve, 200);
    });
  }
  const answer = answers.shift();
  check(answer === 'ok', `the phones could not do "${request}": ${answer}`);
}

/** `shot(name)` saves a full-page PNG of `page` in `dir` (nothing when `dir` is empty). */
export function screenshotter(page, dir) {
  return async (name) => {
    if (!dir) return;
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
    step(`screenshot ${name}.png`);
  };
}

/** The API with the page's own session cookie (and its CSRF token for changes). */
export function pageApi(page) {
  return {
    get: (apiPath) =>
      page.evaluate(async (p) => {
        const r = await fetch(p, { headers: { Accept: 'application/json' } });
        return { status: r.status, body: await r.json() };
      }, apiPath),
    send: (method, apiPath, body) =>
      page.evaluate(async ([m, p, b]) => {
        const me = await (await fetch('/api/v1/auth/me')).json();
        const r = await fetch(p, {
          method: m,
          headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
          body: b === undefined ? undefined : JSON.stringify(b),
        });
        return { status: r.status, body: r.status === 204 ? null : await r.json() };
      }, [method, apiPath, body]),
  };
}

/** Signs in through the login form and waits for the navigation. */
export async function logIn(page, email, password) {
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('nav [data-nav=dashboard]');
}

/** Types each value into the field its selector names (the keys), in order; picks it in a select. */
export async function fillAll(page, fields) {
  for (const [selector, value] of Object.entries(fields)) {
    const tag = await page.$eval(selector, (element) => element.tagName);
    if (tag === 'SELECT') await page.selectOption(selector, value);
    else await page.fill(selector, value);
  }
}

/** Polls `probe` until it gives something truthy (returned), failing with `message` after `timeoutMs`. */
export async function waitFor(probe, message, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    check(Date.now() < until, message);
    await sleep(100);
  }
}

/**
 * Runs `body({ openPage })` with chromium: `openPage()` gives a page of a new browser context
 * (its own cookies: another person), in Ukrainian and Kyiv time. Errors in any page fail the run;
 * a failure prints each page's address and text. Prints PASS or FAIL, sets the exit code.
 */
export async function runBrowserTest(body) {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const pages = [];
  const pageErrors = [];
  const openPage = async () => {
    const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, locale: 'uk-UA', timezoneId: 'Europe/Kyiv' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    pages.push(page);
    return page;
  };
  try {
    await body({ openPage });
    check(pageErrors.length === 0, `errors in the page: ${pageErrors.join('; ')}`);
    console.log('browser test: PASS');
  } catch (error) {
    console.error(`browser test: FAIL: ${error instanceof CheckFailed ? error.message : error.stack ?? error}`);
    for (const page of pages) {
      try {
        console.error(`at ${page.url()}\n${(await page.textContent('body')).slice(0, 2000)}`);
      } catch {
        // the page is gone
      }
    }
    process.exitCode = 1;
  } finally {
    await browser.close();
    driver.close(); // else the open stdin keeps node running
  }
}
