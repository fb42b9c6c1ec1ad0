// The web app as a person uses it, in Debian's chromium driven by playwright-core (from
// web/node_modules: no browser download). Started by tests/e2e/test_web_browser.py:
//
//   node tests/e2e/web/browser_test.mjs BASE_URL EMAIL PASSWORD [SCREENSHOT_DIR]
//
// BASE_URL serves the app and /api/v1 on one origin, with at least one finished call in the
// log and one unheard voicemail in 2001's box; users 1001 and 2001 have registered phones.
// SCREENSHOT_DIR (optional, may be empty): save login, dashboard, scheme-editor, calls,
// heatmap, schedules, groups, voicemail, users and users-form PNGs there.
//
// The phones are the test driver's: a line "@@dial 700" (then "@@answer", "@@hangup") on stdout
// asks it to act, and it answers "ok" (or "error: …") on stdin.
// Every wait has a deadline; the first failed check ends the run with exit code 1.

import { check, logIn, pageApi, phones, runBrowserTest, screenshotter, step, CheckFailed } from './driver.mjs';

const [baseUrl, email, password, shotDir = ''] = process.argv.slice(2);
if (!baseUrl || !email || !password) {
  console.error('usage: browser_test.mjs BASE_URL EMAIL PASSWORD [SCREENSHOT_DIR]');
  process.exit(2);
}

await runBrowserTest(async ({ openPage }) => {
  const page = await openPage();
  const shot = screenshotter(page, shotDir);
  /** The API with the browser's own session cookie. */
  const { get: apiGet, send: apiSend } = pageApi(page);

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
  /** The step types of a list of the scheme editor, top to bottom. */
  const stepTypesOf = (list) =>
    page.$$eval(`[data-list="${list}"] > li > .step-card`, (cards) => cards.map((c) => c.dataset.stepType));
  const waitStepTypes = async (list, wanted) => {
    await page.waitForFunction(([l, w]) => {
      const got = [...document.querySelectorAll(`[data-list="${l}"] > li > .step-card`)].map((c) => c.dataset.stepType);
      return JSON.stringify(got) === JSON.stringify(w);
    }, [list, wanted], { timeout: 5000 }).catch(async () => {
      throw new CheckFailed(`steps ${JSON.stringify(await stepTypesOf(list))}, wanted ${JSON.stringify(wanted)}`);
    });
  };

  // ------------------------------------------------------------------ scheme editor
  step('scheme editor: a new scheme with a ring step for 2001, a voicemail and a hang-up step');
  await page.click('nav [data-nav=schemes]');
  await page.waitForSelector('[data-table=schemes] tr[data-scheme=leave-message]');
  await page.click('[data-new-scheme]');
  await page.fill('#scheme-name', 'web-line');
  await page.fill('#scheme-description', 'Андрій, потім голосова пошта');
  const addStep = async (list, type) => {
    const count = (await stepTypesOf(list)).length;
    await page.selectOption(`[data-steps="${list}"] > .add-step select`, type);
    await page.click(`[data-steps="${list}"] > .add-step [data-add-step]`);
    await page.waitForSelector(`[data-step="${list}[${count}]"]`);
  };
  await addStep('steps', 'ring');
  await addStep('steps', 'hangup');
  await addStep('steps', 'voicemail');
  await waitStepTypes('steps', ['ring', 'hangup', 'voicemail']);
  const ring0 = '[data-step="steps[0]"]';
  await page.selectOption(`${ring0} [data-target-kind]`, 'user');
  await page.selectOption(`${ring0} [data-target-value]`, '2001');
  await page.click(`${ring0} [data-add-target]`);
  await page.waitForSelector(`${ring0} [data-target="user:2001"]`);
  await page.fill('#s-steps-0-timeout', '15');
  await page.selectOption('#s-steps-2-box', '2001');

  step('reorder: drag the voicemail step above the hang-up step, then the arrow buttons');
  // By hand: page.dragAndDrop scrolls the target into view after the button went down, and the
  // drag then starts from whatever is under the pointer.
  await page.locator('[data-step="steps[1]"]').evaluate((e) => e.scrollIntoView({ block: 'center' }));
  const from = await page.locator('[data-step="steps[2]"] [data-drag-handle]').boundingBox();
  const to = await page.locator('[data-step="steps[1]"] .step-head h4').boundingBox();
  check(to.y >= 0 && from.y + from.height <= 860, `the drag is not within the window: ${JSON.stringify([from, to])}`);
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 8 });
  await page.mouse.up();
  await waitStepTypes('steps', ['ring', 'voicemail', 'hangup']);
  check((await page.inputValue('#s-steps-1-box')) === '2001', 'the voicemail step lost its box when dragged');
  await page.click('[data-step="steps[0]"] [data-move=down]');
  await waitStepTypes('steps', ['voicemail', 'ring', 'hangup']);
  check(await page.evaluate(() => document.activeElement?.closest('li')?.querySelector('.step-card')?.dataset.stepType === 'ring'),
    'the focus did not stay with the moved step');
  await page.click('[data-step="steps[1]"] [data-move=up]');
  await waitStepTypes('steps', ['ring', 'voicemail', 'hangup']);
  check((await page.inputValue('#s-steps-0-timeout')) === '15', 'the ring step lost its timeout when moved');
  await page.click('[data-step="steps[2]"] .step-delete');
  await waitStepTypes('steps', ['ring', 'voicemail']);
  await shot('scheme-editor');
  await page.click('[data-save-scheme]');
  await page.waitForSelector('.notice-ok[role=status]');
  await page.waitForSelector('[data-table=schemes] tr[data-scheme=web-line]');
  const saved = (await apiGet('/api/v1/schemes')).body.items.find((s) => s.name === 'web-line');
  check(saved && saved.description === 'Андрій, потім голосова пошта' && saved.steps.length === 2, `the saved scheme: ${JSON.stringify(saved)}`);
  const [ringStep, mailStep] = saved.steps;
  check(ringStep.type === 'ring' && JSON.stringify(ringStep.targets) === '["user:2001"]' && ringStep.timeout === 15,
    `the ring step: ${JSON.stringify(ringStep)}`);
  check(mailStep.type === 'voicemail' && mailStep.box === '2001', `the voicemail step: ${JSON.stringify(mailStep)}`);

  step('numbers: 700 runs web-line');
  await page.fill('#number-new', '700');
  await page.selectOption('#number-scheme', 'web-line');
  await page.click('[data-assign-number]');
  await page.waitForSelector('[data-table=numbers] tr[data-number="700"]');
  const numbers = await apiGet('/api/v1/numbers');
  check(numbers.body.items.some((n) => n.number === '700' && n.scheme === 'web-line'), `numbers: ${JSON.stringify(numbers.body)}`);

  // ------------------------------------------------------------------ live dashboard
  // Vite's preview server (DZVIN_WEB_PREVIEW=1) does not pass WebSockets on: there the
  // dashboard must fall back to polling, which knows no ringing, only calls in progress.
  const via = process.env.DZVIN_WEB_PREVIEW === '1' ? 'polling' : 'events';
  step(`dashboard: live (${via}), both phones online`);
  await page.click('nav [data-nav=dashboard]');
  await page.waitForSelector(`[data-live-via=${via}]`);
  for (const user of ['1001', '2001']) await page.waitForSelector(`[data-list=presence] li[data-user="${user}"][data-online=yes]`);

  step('1001 calls 700: the call shows live, ringing 2001, then answered, then among the recent calls');
  await phones('dial 700');
  const ringing = await page.waitForSelector(`[data-list=active-calls] li${via === 'events' ? '[data-state=ringing]' : ''}[data-call-id]`, { timeout: 10_000 });
  const liveId = await ringing.getAttribute('data-call-id');
  if (via === 'events') {
    check((await page.getAttribute(`[data-list=active-calls] li[data-call-id="${liveId}"] [data-ringing]`, 'data-ringing')).split(' ').includes('2001'),
      'the live call does not say that 2001 rings');
    check((await page.textContent(`[data-list=active-calls] li[data-call-id="${liveId}"]`)).includes('Андрій Мельник'), 'the ringing user is not named');
    await page.waitForSelector('[data-list=presence] li[data-user="2001"] .badge-live');
  }
  check((await page.getAttribute('[data-live-via]', 'data-live-via')) === via, `the dashboard is not live by ${via}`);
  await page.waitForSelector('[data-counter=active-now] .card-value:text-is("1")');
  await shot('dashboard');
  await phones('answer');
  await page.waitForSelector(`[data-list=active-calls] li[data-call-id="${liveId}"][data-state=answered] [data-answered-by="2001"]`, { timeout: 10_000 });
  await phones('hangup');
  await page.waitForSelector(`[data-list=active-calls] li[data-call-id="${liveId}"]`, { state: 'detached', timeout: 10_000 });
  await page.waitForSelector(`[data-table=recent-calls] tr[data-call-id="${liveId}"] [data-outcome=answered]`, { timeout: 10_000 });
  // The events came first; the call record is written a moment later.
  let liveCall;
  for (const until = Date.now() + 5000; ; await new Promise((r) => setTimeout(r, 100))) {
    liveCall = await apiGet(`/api/v1/calls/${encodeURIComponent(liveId)}`);
    if (liveCall.status === 200 && liveCall.body.ended_at) break;
    check(Date.now() < until, `the live call's record did not end: ${JSON.stringify(liveCall)}`);
  }
  check(liveCall.body.called === '700' && liveCall.body.answered_by?.startsWith('2001'), `the live call's record: ${JSON.stringify(liveCall.body)}`);

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

  // ------------------------------------------------------------------ a refused scheme
  step('scheme editor: a ring step without targets is refused, the message next to that step');
  await page.click('nav [data-nav=schemes]');
  await page.click('[data-table=schemes] tr[data-scheme=web-line] button');
  await page.waitForSelector('[data-scheme-editor=web-line] [data-step="steps[1]"]');
  await addStep('steps', 'ring');
  await page.click('[data-save-scheme]');
  const stepError = await page.waitForSelector('[data-step-error="steps[2]"]');
  const stepErrorText = (await stepError.textContent()).trim();
  const topError = (await page.textContent('[data-scheme-editor] [data-form-error]')).trim();
  step(`refused: ${topError}`);
  check(stepErrorText.length > 0 && topError.startsWith('Крок 3:') && topError.includes('steps[2]'), `the errors: step "${stepErrorText}", top "${topError}"`);
  check(!(await page.$('[data-step-error="steps[0]"]')) && !(await page.$('[data-step-error="steps[1]"]')), 'the error is next to the wrong step');
  check((await page.getAttribute('[data-step="steps[2]"] fieldset.targets', 'class')).includes('field-invalid'), 'the targets are not marked');
  const unchanged = (await apiGet('/api/v1/schemes')).body.items.find((x) => x.name === 'web-line');
  check(unchanged.steps.length === 2, `the refused change was stored: ${JSON.stringify(unchanged)}`);
  step('a timeout of 0 is refused the same way');
  await page.click('[data-step="steps[2]"] .step-delete');
  await page.fill('#s-steps-0-timeout', '0');
  await page.click('[data-save-scheme]');
  await page.waitForSelector('[data-step-error="steps[0]"]');
  check((await page.getAttribute('#s-steps-0-timeout', 'aria-invalid')) === 'true', 'the timeout is not marked invalid');
  await page.click('[data-scheme-editor] .form-actions button:has-text("Скасувати")');

  // ------------------------------------------------------------------ schedules
  step('schedules: a new schedule; a wrong range is refused next to it');
  await page.click('nav [data-nav=schedules]');
  await page.click('[data-new-schedule]');
  await page.fill('#schedule-name', 'office');
  check((await page.inputValue('#schedule-time_zone')) === 'Europe/Kyiv', 'the time zone is not Kyiv by default');
  await page.fill('#schedule-mon-0-from', '9:00');
  await page.click('[data-add-holiday]');
  await page.fill('#schedule-holiday-0', '2027-01-01');
  await page.click('[data-save-schedule]');
  await page.waitForSelector('[data-field-error="schedule-mon-0"]');
  check((await page.getAttribute('#schedule-mon-0-from', 'aria-invalid')) === 'true', 'the wrong range is not marked');
  await page.fill('#schedule-mon-0-from', '09:00');
  await page.click('[data-day=sat] .range-list > .button-link');
  await page.fill('#schedule-sat-0-from', '10:00');
  await page.fill('#schedule-sat-0-to', '14:00');
  await page.click('[data-save-schedule]');
  await page.waitForSelector('[data-table=schedules] tr[data-schedule=office]');
  await page.waitForSelector('.notice-ok[role=status]');
  const office = (await apiGet('/api/v1/schedules')).body.items.find((x) => x.name === 'office');
  check(office && office.time_zone === 'Europe/Kyiv' && JSON.stringify(office.weekly.mon) === '["09:00-18:00"]' &&
    JSON.stringify(office.weekly.sat) === '["10:00-14:00"]' && !office.weekly.sun && JSON.stringify(office.holidays) === '["2027-01-01"]',
    `the saved schedule: ${JSON.stringify(office)}`);
  await shot('schedules');

  // ------------------------------------------------------------------ groups
  step('groups: a group of 2001 and 1001, put in order with the arrows');
  await page.click('nav [data-nav=groups]');
  await page.click('[data-new-group]');
  await page.fill('#group-name', 'sales');
  await page.fill('#group-description', 'Відділ продажів');
  for (const user of ['2001', '1001']) {
    await page.selectOption('#group-add-member', user);
    await page.click('[data-add-member]');
    await page.waitForSelector(`[data-member="${user}"]`);
  }
  await page.click('[data-list=group-members] > li:nth-child(2) [data-move=up]');
  await page.waitForFunction(() => [...document.querySelectorAll('[data-list=group-members] [data-member]')].map((m) => m.dataset.member).join() === '1001,2001');
  await page.click('[data-save-group]');
  await page.waitForSelector('[data-table=groups] tr[data-group=sales]');
  const sales = (await apiGet('/api/v1/groups')).body.items.find((x) => x.name === 'sales');
  check(sales && JSON.stringify(sales.members) === '["1001","2001"]' && sales.description === 'Відділ продажів', `the saved group: ${JSON.stringify(sales)}`);
  await shot('groups');

  // ------------------------------------------------------------------ voicemail
  step('voicemail: the unheard count in the navigation; listening marks the message heard');
  const unheardBefore = (await apiGet('/api/v1/voicemails?heard=false&limit=50')).body.items;
  check(unheardBefore.length >= 1, 'no unheard voicemail to test with');
  await page.waitForSelector(`nav [data-nav=voicemail] [data-unheard="${unheardBefore.length}"]`);
  await page.click('nav [data-nav=voicemail]');
  const message = unheardBefore[0];
  const messageRow = `[data-table=voicemails] tr[data-voicemail="${message.id}"]`;
  await page.waitForSelector(`${messageRow}[data-heard=no]`);
  await shot('voicemail');
  await page.click(`${messageRow} button.row-toggle`);
  await page.waitForSelector(`audio[src="/api/v1/voicemails/${message.id}/audio"]`);
  await page.waitForSelector(`${messageRow}[data-heard=yes]`);
  const heardNow = async (want) => {
    const until = Date.now() + 5000;
    for (;;) {
      const items = (await apiGet('/api/v1/voicemails?limit=50')).body.items;
      if (items.find((v) => v.id === message.id)?.heard === want) return;
      check(Date.now() < until, `the voicemail is not heard=${want} in the API`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  await heardNow(true);
  if (unheardBefore.length === 1) await page.waitForSelector('nav [data-nav=voicemail] .nav-count', { state: 'detached' });
  await page.click(`${messageRow} [data-mark=unheard]`);
  await page.waitForSelector(`${messageRow}[data-heard=no]`);
  await heardNow(false);
  await page.waitForSelector(`nav [data-nav=voicemail] [data-unheard="${unheardBefore.length}"]`);
  step('the voicemail links to its call');
  await page.click(`${messageRow} a[href^="#/calls/"]`);
  await page.waitForSelector(`[data-call-detail="${message.call_id}"] .timeline li[data-kind=voicemail_recorded]`);

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

  step('a manager sees only the pages of their role');
  const manager = await apiSend('POST', '/api/v1/users', {
    username: '2003', display_name: 'Ірина Ткаченко', email: 'iryna@web.test', role: 'manager',
    password: 'manager-web-secret', sip_password: 'pw-2003-secret',
  });
  check(manager.status === 201 || manager.status === 200, `the manager: ${JSON.stringify(manager)}`);

  step('log out');
  await page.click('.header-tools button');
  await page.waitForSelector('input[name=email]');
  check((await apiGet('/api/v1/auth/me')).status === 401, 'the session outlived the logout');

  await logIn(page, 'iryna@web.test', 'manager-web-secret');
  const navFor = await page.$$eval('nav [data-nav]', (links) => links.map((a) => a.dataset.nav));
  check(JSON.stringify(navFor) === '["dashboard","calls","tasks","contacts","voicemail"]', `a manager's navigation: ${navFor}`);
  check(await page.$('.notice-error[role=alert]'), 'a manager sees the users page they came back to');
  await page.click('nav [data-nav=dashboard]');
  await page.waitForSelector('[data-list=presence] li[data-user="2001"][data-online=yes]');
  await page.goto(`${baseUrl}/#/schemes`);
  await page.waitForSelector('.notice-error[role=alert]');
  check(!(await page.$('[data-table=schemes]')), 'a manager sees the schemes');
  await page.click('.header-tools button');
  await page.waitForSelector('input[name=email]');
});
