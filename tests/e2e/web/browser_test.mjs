// The web app as a person uses it, in Debian's chromium driven by playwright-core (from
// web/node_modules: no browser download). Started by tests/e2e/test_web_browser.py:
//
//   node tests/e2e/web/browser_test.mjs BASE_URL EMAIL PASSWORD [SCREENSHOT_DIR]
//
// BASE_URL serves the app and /api/v1 on one origin, with at least one finished call in the
// log. SCREENSHOT_DIR (optional, may be empty): save login, dashboard, calls, heatmap, users and
// users-form PNGs there.
// Every wait has a deadline; the first failed check ends the run with exit code 1.

import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(new URL('../../../web/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const [baseUrl, email, password, shotDir = ''] = process.argv.slice(2);
if (!baseUrl || !email || !password) {
  console.error('usage: browser_test.mjs BASE_URL EMAIL PASSWORD [SCREENSHOT_DIR]');
  process.exit(2);
}

class CheckFailed extends Error {}
function check(condition, message) {
  if (!condition) throw new CheckFailed(message);
}
function step(text) {
  console.log(`- ${text}`);
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const pageErrors = [];
let page;
try {
  const context = await browser.newContext({
    viewport: { width: 1360, height: 860 },
    locale: 'uk-UA',
    timezoneId: 'Europe/Kyiv',
  });
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => pageErrors.push(String(error)));

  const shot = async (name) => {
    if (!shotDir) return;
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: path.join(shotDir, `${name}.png`), fullPage: true });
    step(`screenshot ${name}.png`);
  };
  /** The API's answer, with the browser's own session cookie. */
  const apiGet = (apiPath) =>
    page.evaluate(async (p) => {
      const r = await fetch(p, { headers: { Accept: 'application/json' } });
      return { status: r.status, body: await r.json() };
    }, apiPath);

  // ------------------------------------------------------------------ login
  step('login page, in Ukrainian by default');
  await page.goto(`${baseUrl}/`);
  await page.waitForSelector('input[name=email]');
  check((await page.getAttribute('html', 'lang')) === 'uk', 'the page is not in Ukrainian by default');
  check((await page.textContent('h1')).trim() === 'Вхід', `login heading: ${await page.textContent('h1')}`);
  await page.fill('input[name=email]', email);
  await page.fill('input[name=password]', 'not-the-password');
  await page.click('button[type=submit]');
  const refusal = await page.waitForSelector('#login-error[role=alert]');
  check((await refusal.textContent()).includes('пароль'), `the refusal: ${await refusal.textContent()}`);
  await page.fill('input[name=password]', '');
  await shot('login');

  step('log in');
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('nav [data-nav=calls]');

  // ------------------------------------------------------------------ dashboard
  step('dashboard: recent calls and today’s counters');
  const calls = await apiGet('/api/v1/calls?limit=50');
  check(calls.status === 200 && calls.body.items.length >= 1, `the API lists no call: ${JSON.stringify(calls)}`);
  const newest = calls.body.items[0];
  await page.waitForSelector(`[data-table=recent-calls] tr[data-call-id="${newest.id}"]`);
  await page.waitForFunction(() => {
    const v = document.querySelector('[data-counter=calls-today] .card-value')?.textContent ?? '…';
    return v !== '…' && Number(v.replace(/\D/g, '')) >= 1;
  });
  await shot('dashboard');

  // ------------------------------------------------------------------ call log
  step('call log: every call of the API’s first page is a row');
  await page.click('nav [data-nav=calls]');
  await page.waitForSelector('[data-table=call-log] tbody tr.call-row');
  for (const call of calls.body.items) {
    await page.waitForSelector(`[data-table=call-log] tr[data-call-id="${call.id}"]`);
  }
  const row = `[data-table=call-log] tr[data-call-id="${newest.id}"]`;
  check((await page.textContent(`${row} td:nth-child(2)`)).trim() === newest.caller, 'the caller cell');
  check((await page.textContent(`${row} td:nth-child(3)`)).trim() === newest.called, 'the called cell');

  step('a row expands to the call’s timeline');
  await page.click(`${row} button.row-toggle`);
  check((await page.getAttribute(`${row} button.row-toggle`, 'aria-expanded')) === 'true', 'aria-expanded');
  await page.waitForSelector(`[data-call-detail="${newest.id}"] .timeline li[data-kind=ended]`);
  const kinds = await page.$$eval(`[data-call-detail="${newest.id}"] .timeline li`, (lis) => lis.map((li) => li.dataset.kind));
  const detail = await apiGet(`/api/v1/calls/${newest.id}`);
  check(JSON.stringify(kinds) === JSON.stringify(detail.body.timeline.map((e) => e.kind)),
    `timeline ${kinds} is not the API's ${detail.body.timeline.map((e) => e.kind)}`);
  for (const [id, kind] of [[detail.body.recording_id, 'recordings'], [detail.body.voicemail_id, 'voicemails']]) {
    if (id === null) continue;
    const src = `/api/v1/${kind}/${id}/audio`;
    await page.waitForSelector(`[data-call-detail="${newest.id}"] audio[src="${src}"]`);
  }
  await shot('calls');

  step('call log filters: answered calls only, then an outcome no call has');
  const answered = await apiGet('/api/v1/calls?outcome=answered&limit=50');
  await page.selectOption('#calls-outcome', 'answered');
  await page.click('.filters button[type=submit]');
  await page.waitForFunction((n) => {
    const rows = [...document.querySelectorAll('[data-table=call-log] tr.call-row')];
    return rows.length === n && rows.every((r) => r.querySelector('[data-outcome]')?.dataset.outcome === 'answered');
  }, answered.body.items.length);
  const seen = new Set(calls.body.items.map((c) => (c.outcome ?? '').split(':')[0]));
  const absent = ['voicemail', 'failed', 'abandoned', 'missed'].find((o) => !seen.has(o));
  await page.selectOption('#calls-outcome', absent);
  await page.click('.filters button[type=submit]');
  await page.waitForSelector('.empty');
  await page.click('.filters button[type=button]');
  await page.waitForSelector(row);

  // ------------------------------------------------------------------ heatmap
  step('heatmap: the cells add up to the API’s total');
  // The page asks again once it knows the company's time zone: compare with the last answer.
  const isHeatmap = (url) => url.includes('/api/v1/reports/heatmap');
  let heatInFlight = 0;
  let lastHeat = null;
  page.on('request', (r) => { if (isHeatmap(r.url())) heatInFlight += 1; });
  page.on('requestfailed', (r) => { if (isHeatmap(r.url())) heatInFlight -= 1; });
  page.on('requestfinished', async (r) => {
    if (!isHeatmap(r.url())) return;
    const answer = await r.response();
    lastHeat = { status: answer.status(), url: r.url(), body: await answer.json() };
    heatInFlight -= 1;
  });
  const settledHeatmap = async () => {
    const until = Date.now() + 15_000;
    while (heatInFlight > 0 || !lastHeat) {
      check(Date.now() < until, 'the heatmap request did not finish');
      await new Promise((r) => setTimeout(r, 50));
    }
    check(lastHeat.status === 200, `heatmap: ${lastHeat.status} ${JSON.stringify(lastHeat.body)}`);
    const heat = lastHeat.body;
    await page.waitForFunction(
      (h) => Number(document.querySelector('[data-grand-total]')?.textContent.replace(/\D/g, '')) === h.total &&
        document.querySelector('[data-summary=total]')?.textContent.includes(h.time_zone),
      heat,
    );
    const cells = await page.$$eval('[data-table=heatmap] td.heat-cell', (tds) =>
      tds.map((td) => ({ total: Number(td.dataset.total), shown: Number(td.querySelector('.heat-count')?.textContent ?? 0) })),
    );
    check(cells.length === 7 * 24, `${cells.length} cells, not 7 x 24`);
    const sumData = cells.reduce((sum, c) => sum + c.total, 0);
    const sumShown = cells.reduce((sum, c) => sum + c.shown, 0);
    check(sumData === heat.total && sumShown === heat.total, `cells add up to ${sumData}/${sumShown}, the API says ${heat.total}`);
    return heat;
  };
  await page.click('nav [data-nav=heatmap]');
  await page.waitForFunction(() => !document.querySelector('#heat-tz-hint')?.textContent.includes('…'));
  let heat = await settledHeatmap();
  check(heat.total >= 1, `the heatmap counts no call: ${JSON.stringify(heat)}`);
  const zoned = new Intl.DateTimeFormat('en-GB', { timeZone: heat.time_zone, weekday: 'short', hour: '2-digit', hourCycle: 'h23' })
    .formatToParts(new Date(newest.started_at));
  const day = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(zoned.find((p) => p.type === 'weekday').value);
  const hour = Number(zoned.find((p) => p.type === 'hour').value);
  const cellTotal = Number(await page.getAttribute(`td.heat-cell[data-day="${day}"][data-hour="${hour}"]`, 'data-total'));
  check(cellTotal >= 1, `the call's cell (${day}, ${hour}) in ${heat.time_zone} is empty`);

  step('heatmap: an unknown time zone is refused next to the field; a named one is sent');
  await page.fill('#heat-tz', 'Mars/Olympus');
  await page.click('.filters button[type=submit]');
  await page.waitForSelector('#heat-tz-error');
  // Taken before the click: the answer may come before the next line runs.
  const before = lastHeat;
  await page.fill('#heat-tz', 'Europe/Kyiv');
  await page.click('.filters button[type=submit]');
  await page.waitForSelector('#heat-tz-error', { state: 'detached' });
  const until = Date.now() + 15_000;
  while (lastHeat === before || heatInFlight > 0) {
    check(Date.now() < until, 'no heatmap request for the named zone');
    await new Promise((r) => setTimeout(r, 50));
  }
  check(new URL(lastHeat.url).searchParams.get('tz') === 'Europe/Kyiv', `the zone was not sent: ${lastHeat.url}`);
  heat = await settledHeatmap();
  check(heat.time_zone === 'Europe/Kyiv' && heat.total >= 1, `heatmap in Europe/Kyiv: ${JSON.stringify(heat)}`);
  await shot('heatmap');

  // ------------------------------------------------------------------ users
  step('users: the list, then a new user through the form');
  await page.click('nav [data-nav=users]');
  await page.waitForSelector('[data-table=users] tr[data-user="1001"]');
  await page.click('.page-head .button-primary');
  await page.fill('#user-username', '2002');
  await page.fill('#user-display_name', 'Оксана Коваль');
  await page.fill('#user-email', 'oksana@web.test');
  await page.selectOption('#user-role', 'manager');
  await page.fill('#user-sip_password', 'short');
  await page.fill('#user-mobile', '+380501234567');
  await page.click('.form-panel button[type=submit]');
  const sipError = await page.waitForSelector('[data-field-error=user-sip_password]');
  check((await page.getAttribute('#user-sip_password', 'aria-invalid')) === 'true', 'the refused field is not marked invalid');
  step(`refused next to the field: ${(await sipError.textContent()).trim()}`);
  await shot('users-form');
  await page.fill('#user-sip_password', 'pw-2002-secret');
  await page.fill('#user-mobile', '0501234567');
  await page.click('.form-panel button[type=submit]');
  await page.waitForSelector('[data-field-error=user-mobile]');
  check(!(await page.$('[data-field-error=user-sip_password]')), 'the old field error stayed');
  await page.fill('#user-mobile', '+380501234567');
  await page.click('.form-panel button[type=submit]');
  await page.waitForSelector('[data-table=users] tr[data-user="2002"]');
  await page.waitForSelector('.notice-ok[role=status]');
  await shot('users');
  const created = await apiGet('/api/v1/users/2002');
  check(created.status === 200 && created.body.role === 'manager' && created.body.email === 'oksana@web.test' &&
    created.body.web_login === false, `the new user: ${JSON.stringify(created)}`);

  step('edit the user, then delete it');
  await page.click('[data-table=users] tr[data-user="2002"] button:has-text("Змінити")');
  await page.fill('#user-display_name', 'Оксана Коваль-Петренко');
  await page.click('.form-panel button[type=submit]');
  await page.waitForSelector('[data-table=users] tr[data-user="2002"]:has-text("Коваль-Петренко")');
  await page.click('[data-table=users] tr[data-user="2002"] button:has-text("Видалити")');
  await page.click('[data-table=users] tr[data-user="2002"] .button-danger');
  await page.waitForSelector('[data-table=users] tr[data-user="2002"]', { state: 'detached' });
  check((await apiGet('/api/v1/users/2002')).status === 404, 'the user is still there');

  // ------------------------------------------------------------------ language, reload, logout
  step('language picker: English, Russian, back to Ukrainian; the choice survives a reload');
  await page.selectOption('.header-tools select', 'en');
  await page.waitForSelector('nav [data-nav=calls]:has-text("Call log")');
  check((await page.getAttribute('html', 'lang')) === 'en', 'html lang after switching to English');
  await page.selectOption('.header-tools select', 'ru');
  await page.waitForSelector('nav [data-nav=calls]:has-text("Журнал звонков")');
  await page.reload();
  await page.waitForSelector('nav [data-nav=calls]:has-text("Журнал звонков")');
  await page.selectOption('.header-tools select', 'uk');
  await page.waitForSelector('nav [data-nav=calls]:has-text("Журнал дзвінків")');

  step('log out');
  await page.click('.header-tools button');
  await page.waitForSelector('input[name=email]');
  check((await apiGet('/api/v1/auth/me')).status === 401, 'the session outlived the logout');

  check(pageErrors.length === 0, `errors in the page: ${pageErrors.join('; ')}`);
  console.log('browser test: PASS');
} catch (error) {
  console.error(`browser test: FAIL: ${error instanceof CheckFailed ? error.message : error.stack ?? error}`);
  if (page) {
    try {
      console.error(`at ${page.url()}\n${(await page.textContent('body')).slice(0, 2000)}`);
    } catch {
      // the page is gone
    }
  }
  process.exitCode = 1;
} finally {
  await browser.close();
}
