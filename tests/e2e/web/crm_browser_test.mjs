// The CRM's pages in a real browser (started by tests/e2e/test_crm_browser.py):
//
//   node tests/e2e/web/crm_browser_test.mjs SETUP_JSON
//
// SETUP_JSON: {base, shots, olena: {email, password}, head: {email, password}, known, unknown,
// contact (Taras's id), deal (its id), overdue (a task of Olena's past its deadline)}. Olena is a
// manager whose phone the sales number rings; the head of the call centre gets the call-backs of
// unknown numbers. The phones are the Python driver's ("@@dial known sales", "@@hangup known",
// "@@dial unknown main"). Prints "card-ms WHO N" for every caller card it measured.

import { check, fillAll, logIn, pageApi, phones, runBrowserTest, screenshotter, step, waitFor } from './driver.mjs';

const setup = JSON.parse(process.argv[2] ?? 'null');
if (!setup?.base) {
  console.error('usage: crm_browser_test.mjs SETUP_JSON');
  process.exit(2);
}
const { base, known, unknown } = setup;
const kLive = 30_000; // a live change on a busy machine

/** The caller card of a call on `page`, ready: its element and the measured milliseconds. */
async function readyCard(page, who) {
  const card = await page.waitForSelector('[data-caller-card][data-card-state=ready]', { timeout: kLive });
  const ms = Number(await card.getAttribute('data-card-ms'));
  check(Number.isFinite(ms) && ms >= 0, `${who}: no data-card-ms on the card`);
  console.log(`card-ms ${who} ${ms}`);
  const inviteMs = Number(await card.getAttribute('data-invite-ms'));
  check(Number.isFinite(inviteMs) && inviteMs >= 0, `${who}: no data-invite-ms on the card`);
  console.log(`invite-card-ms ${who} ${inviteMs}`);
  return { card, callId: await card.getAttribute('data-caller-card'), ms };
}

/** The first task of `list` (an API page) with `predicate`. */
const findTask = (list, predicate) => list.body.items.find(predicate);

await runBrowserTest(async ({ openPage }) => {
  // ------------------------------------------------------------------ two people
  step('the head of the call centre and Olena (a manager) log in, each in their own browser');
  const head = await openPage();
  await head.goto(`${base}/`);
  await logIn(head, setup.head.email, setup.head.password);
  const olena = await openPage();
  await olena.goto(`${base}/`);
  await logIn(olena, setup.olena.email, setup.olena.password);
  const headApi = pageApi(head);
  const olenaApi = pageApi(olena);
  const olenaShot = screenshotter(olena, setup.shots);
  const headShot = screenshotter(head, setup.shots);
  const navFor = await olena.$$eval('nav [data-nav]', (links) => links.map((a) => a.dataset.nav));
  check(JSON.stringify(navFor) === '["dashboard","calls","tasks","contacts","voicemail"]', `a manager's navigation: ${navFor}`);
  await olena.waitForSelector('nav [data-nav=tasks] [data-open-tasks="1"]');

  // ------------------------------------------------------------------ contacts
  step('contacts: Taras is listed, found by name and by the start of his number');
  await olena.click('nav [data-nav=contacts]');
  await olena.waitForSelector(`[data-table=contacts] tr[data-contact="${setup.contact}"]`);
  await olena.fill('#contacts-q', 'tara');
  await olena.waitForFunction((id) => [...document.querySelectorAll('[data-table=contacts] tr[data-contact]')].map((r) => r.dataset.contact).join() === String(id), setup.contact);
  await olena.fill('#contacts-q', known.slice(0, 8));
  await olena.waitForFunction((id) => [...document.querySelectorAll('[data-table=contacts] tr[data-contact]')].map((r) => r.dataset.contact).join() === String(id), setup.contact);
  await olena.fill('#contacts-q', '');

  step('a new contact with two numbers: a number of Taras’s is refused at that number');
  await olena.click('[data-new-contact]');
  await fillAll(olena, {
    '#contact-name': 'Марія Петренко',
    '#contact-company': 'ТОВ «Весна»',
    '#contact-email': 'maria@vesna.example',
    '#contact-phone-0': '050 222 33 44',
    '#contact-phone-0-label': 'мобільний',
    '#contact-notes': 'Квіти щопонеділка',
  });
  await olena.click('[data-add-phone]');
  await olena.fill('#contact-phone-1', '067 111 22 44');
  await olena.click('[data-save-contact]');
  const taken = await olena.waitForSelector('[data-field-error="contact-phone-1"]');
  check((await taken.textContent()).includes('Taras'), `the refusal: ${await taken.textContent()}`);
  check((await olena.getAttribute('#contact-phone-1', 'aria-invalid')) === 'true', 'the taken number is not marked invalid');
  check(!(await olena.$('[data-field-error="contact-phone-0"]')), 'the error is at the wrong number');
  step(`refused at phones[1]: ${(await taken.textContent()).trim()}`);
  await olena.fill('#contact-phone-1', '044 222 33 44');
  await olena.fill('#contact-phone-1-label', 'робочий');
  await olena.click('[data-save-contact]');
  const page = await olena.waitForSelector('[data-contact-page]');
  const mariaId = Number(await page.getAttribute('data-contact-page'));
  const maria = await olenaApi.get(`/api/v1/contacts/${mariaId}`);
  const mariaPhones = maria.body.phones?.map((p) => `${p.number} ${p.label}`).sort();
  check(maria.status === 200 && maria.body.name === 'Марія Петренко' && JSON.stringify(mariaPhones) === '["+380442223344 робочий","+380502223344 мобільний"]',
    `the new contact: ${JSON.stringify(maria.body)}`);

  step('her page: a deal made, changed and closed through the form');
  await olena.click('[data-new-deal]');
  await fillAll(olena, { '#deal-title': 'Квіти в офіс на рік', '#deal-stage': 'proposal', '#deal-owner': '1003' });
  await olena.click('[data-save-deal]');
  const dealRow = await olena.waitForSelector('[data-table=deals] tr[data-deal][data-open=yes]');
  const dealId = Number(await dealRow.getAttribute('data-deal'));
  await olena.click(`[data-table=deals] tr[data-deal="${dealId}"] [data-edit-deal]`);
  await olena.fill('#deal-stage', 'negotiation');
  await olena.click('[data-save-deal]');
  await olena.waitForSelector(`[data-table=deals] tr[data-deal="${dealId}"]:has-text("negotiation")`);
  await olena.click(`[data-table=deals] tr[data-deal="${dealId}"] [data-toggle-deal=close]`);
  await olena.waitForSelector(`[data-table=deals] tr[data-deal="${dealId}"][data-open=no]`);
  const deal = (await olenaApi.get(`/api/v1/contacts/${mariaId}`)).body.deals.find((d) => d.id === dealId);
  check(deal && deal.title === 'Квіти в офіс на рік' && deal.stage === 'negotiation' && deal.owner === '1003' && deal.open === false, `the deal: ${JSON.stringify(deal)}`);

  step('Taras’s page: his deal, his calls (none yet)');
  await olena.click('nav [data-nav=contacts]');
  await olena.waitForSelector(`[data-table=contacts] tr[data-contact="${mariaId}"]`);
  await olenaShot('contacts');
  await olena.click(`[data-table=contacts] tr[data-contact="${setup.contact}"] a`);
  await olena.waitForSelector(`[data-table=deals] tr[data-deal="${setup.deal}"][data-open=yes]:has-text("20 laptops")`);
  await olena.waitForSelector('[data-panel=contact-calls]:has-text("дзвінків не було")');
  await olenaShot('contact');

  // ------------------------------------------------------------------ the caller card
  step('Taras calls the sales number, Olena’s phone rings: his card on her page (and the head’s)');
  await head.click('nav [data-nav=tasks]');
  await head.waitForSelector('[data-table=tasks]');
  await phones('dial known sales');
  const olenaCard = await readyCard(olena, 'olena');
  const cardText = await olenaCard.card.textContent();
  check(cardText.includes('Taras Shevchuk') && cardText.includes('Kobzar LLC') && cardText.includes('20 laptops') && cardText.includes('proposal'),
    `Olena's card: ${cardText}`);
  check(await olena.$(`[data-caller-card="${olenaCard.callId}"] [data-card-deal="${setup.deal}"]`), 'the deal is not on the card');
  check(await olena.$(`[data-caller-card="${olenaCard.callId}"] [data-caller-kind=client]`), 'Taras is not shown as a client');
  const headCard = await readyCard(head, 'head');
  check(headCard.callId === olenaCard.callId, 'the head’s card is of another call');
  await olenaShot('caller-card');

  step('Olena takes his request from the card: the form knows him; the company changes');
  await olena.click(`[data-caller-card="${olenaCard.callId}"] [data-card-intake]`);
  await olena.waitForSelector('[data-intake] [data-intake-form]');
  check((await olena.inputValue('#intake-name')) === 'Taras Shevchuk' && (await olena.inputValue('#intake-phone')) === known &&
    (await olena.inputValue('#intake-company')) === 'Kobzar LLC', 'the intake form is not filled from the card');
  await fillAll(olena, {
    '#intake-company': 'Kobzar Group LLC',
    '#intake-question': 'Хоче ще 5 ноутбуків, просить рахунок до п’ятниці',
    '#intake-category': 'Замовлення',
    '#intake-assignee': '1003',
  });
  await olena.click('[data-save-intake]');
  const saved = await olena.waitForSelector('[data-intake-saved]');
  const intakeId = Number(await saved.getAttribute('data-intake-saved'));
  const intake = await olenaApi.get(`/api/v1/tasks/${intakeId}`);
  check(intake.status === 200 && intake.body.kind === 'intake' && intake.body.assignee === '1003' && intake.body.contact_id === setup.contact &&
    intake.body.number === known && intake.body.first_call_id === olenaCard.callId && intake.body.title.startsWith('Хоче ще 5 ноутбуків') &&
    intake.body.detail.includes('Замовлення'), `the intake task: ${JSON.stringify(intake.body)}`);
  const tarasNow = await olenaApi.get(`/api/v1/contacts?q=${encodeURIComponent(known)}`);
  check(tarasNow.body.total === 1 && tarasNow.body.items[0].id === setup.contact && tarasNow.body.items[0].company === 'Kobzar Group LLC',
    `Taras after the request: ${JSON.stringify(tarasNow.body)}`);
  await olena.click('[data-intake] .panel-head button');
  await olena.waitForSelector('[data-intake]', { state: 'detached' });

  step('Taras hangs up: the cards go; the missed call is Olena’s task (a notice, the count)');
  await phones('hangup known');
  await olena.waitForSelector('[data-caller-card]', { state: 'detached', timeout: kLive });
  await head.waitForSelector('[data-caller-card]', { state: 'detached', timeout: kLive });
  await olena.waitForSelector('[data-task-notice]:has-text("Call back Taras Shevchuk")', { timeout: kLive });
  await olena.waitForSelector('nav [data-nav=tasks] [data-open-tasks="3"]', { timeout: kLive });

  // ------------------------------------------------------------------ the head's tasks, live
  step('an unknown number calls the main number on a holiday and is turned away: the head’s task shows live');
  await phones('dial unknown main');
  const unknownRow = await head.waitForSelector(`[data-table=tasks] tr[data-task]:has-text("${unknown}")`, { timeout: kLive });
  const callBackId = Number(await unknownRow.getAttribute('data-task'));
  const callBack = await headApi.get(`/api/v1/tasks/${callBackId}`);
  check(callBack.body.kind === 'call_back' && callBack.body.assignee === '1007' && callBack.body.number === unknown, `the call-back: ${JSON.stringify(callBack.body)}`);
  await head.waitForSelector(`[data-task-notice="${callBackId}"]`, { timeout: kLive });
  await head.waitForSelector('nav [data-nav=tasks] [data-open-tasks="1"]', { timeout: kLive });
  check((await head.textContent(`[data-table=tasks] tr[data-task="${callBackId}"] .due-relative`)).includes('через'), 'the deadline is not relative');

  step('the head’s filters: overdue (highlighted), by assignee');
  await head.waitForSelector(`[data-table=tasks] tr[data-task="${setup.overdue}"].is-overdue[data-overdue=yes]`);
  check((await head.textContent(`[data-table=tasks] tr[data-task="${setup.overdue}"] .due-relative`)).includes('прострочено'), 'the overdue task does not say so');
  await head.click('[data-task-views] input[value=overdue]');
  await head.waitForFunction((id) => [...document.querySelectorAll('[data-table=tasks] tr[data-task]')].map((r) => r.dataset.task).join() === String(id), setup.overdue);
  await head.click('[data-task-views] input[value=open]');
  await head.selectOption('#tasks-assignee', '1003');
  await head.waitForFunction(() => {
    const rows = [...document.querySelectorAll('[data-table=tasks] tr[data-task]')];
    return rows.length === 3 && rows.every((r) => r.textContent.includes('1003'));
  });
  await head.selectOption('#tasks-assignee', '');
  await head.waitForSelector(`[data-table=tasks] tr[data-task="${callBackId}"]`);
  await headShot('tasks');

  // ------------------------------------------------------------------ intake from the tasks page
  step('the head takes a request from the tasks page: a wrong number is refused at the field');
  await head.click('[data-new-intake]');
  await head.waitForSelector('[data-intake] select#intake-assignee');
  await fillAll(head, {
    '#intake-phone': 'дзвонив з автомата',
    '#intake-name': 'Петро Іваненко',
    '#intake-company': 'ФОП Іваненко',
    '#intake-question': 'Потрібен прайс на 10 роутерів\nДоставка до Львова',
    '#intake-category': 'Ціни',
  });
  await head.selectOption('#intake-assignee', '1003');
  await head.click('[data-save-intake]');
  await head.waitForSelector('[data-field-error="intake-phone"]');
  check((await head.getAttribute('#intake-phone', 'aria-invalid')) === 'true', 'the wrong number is not marked');
  await head.fill('#intake-phone', '050 111 22 33');
  await head.click('[data-save-intake]');
  const headSaved = await head.waitForSelector('[data-intake-saved]');
  const petroTaskId = Number(await headSaved.getAttribute('data-intake-saved'));
  const petro = (await headApi.get(`/api/v1/contacts?q=${encodeURIComponent(unknown)}`)).body;
  check(petro.total === 1 && petro.items[0].name === 'Петро Іваненко' && petro.items[0].company === 'ФОП Іваненко', `the new contact: ${JSON.stringify(petro)}`);
  const petroTask = findTask(await headApi.get('/api/v1/tasks?assignee=1003&state=open'), (t) => t.id === petroTaskId);
  check(petroTask && petroTask.title === 'Потрібен прайс на 10 роутерів' && petroTask.detail.includes('Доставка до Львова') && petroTask.detail.includes('Ціни') &&
    petroTask.contact_id === petro.items[0].id && petroTask.number === unknown, `the request's task: ${JSON.stringify(petroTask)}`);
  await head.click('[data-intake] .panel-head button');
  await olena.waitForSelector('nav [data-nav=tasks] [data-open-tasks="4"]', { timeout: kLive });

  step('the head calls the unknown number back in thought: done');
  await head.click(`[data-table=tasks] tr[data-task="${callBackId}"] [data-close-task=done]`);
  await head.waitForSelector(`[data-table=tasks] tr[data-task="${callBackId}"]`, { state: 'detached' });
  check((await headApi.get(`/api/v1/tasks/${callBackId}`)).body.state === 'done', 'the call-back is not done');

  // ------------------------------------------------------------------ Olena's tasks
  step('Olena’s tasks: her own only; the overdue one cancelled');
  await olena.click('nav [data-nav=tasks]');
  check((await olena.textContent('h1')).trim() === 'Мої завдання', `Olena's heading: ${await olena.textContent('h1')}`);
  await olena.waitForSelector(`[data-table=tasks] tr[data-task="${petroTaskId}"]`);
  check(!(await olena.$('#tasks-assignee')), 'a manager can pick the assignee');
  const olenaRows = await olena.$$eval('[data-table=tasks] tr[data-task]', (rows) => rows.map((r) => Number(r.dataset.task)));
  const own = (await olenaApi.get('/api/v1/tasks?state=open')).body.items.map((t) => t.id);
  check(JSON.stringify(olenaRows) === JSON.stringify(own), `Olena's rows ${olenaRows}, the API's ${own}`);
  await olena.click(`[data-table=tasks] tr[data-task="${setup.overdue}"] [data-close-task=cancelled]`);
  await olena.waitForSelector(`[data-table=tasks] tr[data-task="${setup.overdue}"]`, { state: 'detached' });
  await waitFor(async () => (await olenaApi.get(`/api/v1/tasks/${setup.overdue}`)).body.state === 'cancelled', 'the overdue task is not cancelled');
  await olena.waitForSelector('nav [data-nav=tasks] [data-open-tasks="3"]', { timeout: kLive });

  // ------------------------------------------------------------------ click-to-call
  step('Olena calls Taras back from the task: her phone rings, then his; they talk; the task closes itself');
  const tarasCallBack = findTask(await olenaApi.get('/api/v1/tasks?state=open'), (t) => t.kind === 'call_back' && t.number === known);
  check(tarasCallBack, 'Olena has no call-back task for Taras');
  await olena.click(`[data-table=tasks] tr[data-task="${tarasCallBack.id}"] [data-click-to-call] button`);
  await olena.waitForSelector(`[data-table=tasks] tr[data-task="${tarasCallBack.id}"] [data-dial-state=ringing]`);
  await phones('answer olena known');
  await olena.waitForSelector(`[data-table=tasks] tr[data-task="${tarasCallBack.id}"]`, { state: 'detached', timeout: kLive });
  const calledBack = await olenaApi.get(`/api/v1/tasks/${tarasCallBack.id}`);
  check(calledBack.body.state === 'done' && calledBack.body.closed_by_call, `the call-back after click-to-call: ${JSON.stringify(calledBack.body)}`);
  const theCall = await olenaApi.get(`/api/v1/calls/${calledBack.body.closed_by_call}`);
  check(theCall.body.caller === '1003' && theCall.body.called === known && theCall.body.answered_at, `the click-to-call: ${JSON.stringify(theCall.body)}`);
  await olena.waitForSelector('nav [data-nav=tasks] [data-open-tasks="2"]', { timeout: kLive });
});
