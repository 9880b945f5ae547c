// Consultations through the real app: vote, change the vote, see live results; a vote cast offline on a
// consultation that closed meanwhile is refused by the hub and the app says so plainly.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { World, join, waitFor } from '../harness.mjs';

let world;
let app;
let openId;
before(async () => {
  world = await World.create('vote');
  app = await world.launchApp();
  await join(app, world.codes[1].code);
  await waitFor(async () => (await app.syncStatus()).state === 'idle', { message: 'first sync', timeout: 30_000 });
  const list = await world.hub.adminJson('consultation', 'list');
  const open = list.find((c) => !c.closed_at && c.results_visibility === 'live');
  assert.ok(open, 'the demo has an open consultation with live results');
  openId = open.id;
});
after(async () => {
  await world?.cleanup();
});

async function openConsultation() {
  await app.go('consultations');
  const items = await waitFor(async () => {
    const all = await app.all('consultation-item');
    return all.length ? all : null;
  }, { message: 'consultations' });
  for (const item of items) {
    if ((await item.getAttribute('data-id')) === openId) {
      assert.equal(await item.getAttribute('data-status'), 'open');
      await item.findElement({ css: 'a' }).click();
      return app.byTestId('consultation-detail', { visible: true });
    }
  }
  throw new Error('the open consultation is not listed');
}

async function choose(index) {
  const options = await app.all('vote-option');
  assert.ok(options.length >= 2);
  await app.scrollIntoView(options[index]);
  await options[index].click();
  return options[index].getAttribute('data-option-id');
}

/** Presses vote, checks the confirmation repeats the choice in words, and confirms. */
async function castVote(optionId) {
  await app.click('vote-submit');
  const label = (await app.text(await optionLabel(optionId))).trim();
  const question = await app.text(await app.byTestId('vote-confirm-text', { visible: true }));
  assert.ok(question.includes(label), `the confirmation "${question}" names the choice "${label}"`);
  assert.equal(await app.exists('vote-submit'), false, 'nothing is sent before the resident confirms');
  await app.click('vote-confirm');
}

async function optionLabel(optionId) {
  for (const input of await app.all('vote-option')) {
    if ((await input.getAttribute('data-option-id')) === optionId) return input.findElement({ xpath: './..' });
  }
  throw new Error(`option ${optionId} not shown`);
}

async function votesFor(optionId) {
  for (const bar of await app.all('result-bar')) {
    if ((await bar.getAttribute('data-option-id')) === optionId) return Number(await bar.getAttribute('data-votes'));
  }
  return null;
}

async function hubVotes(optionId) {
  const results = await world.hub.adminJson('consultation', 'results', openId);
  const options = results.options ?? results;
  return Number(options.find((o) => o.id === optionId)?.votes ?? 0);
}

test('vote, see it counted in the results, change it', async () => {
  await openConsultation();
  const first = await choose(0);
  const hubBefore = await hubVotes(first);
  // Changing one's mind at the confirmation sends nothing.
  await app.click('vote-submit');
  await app.click('vote-confirm-cancel');
  await app.byTestId('vote-submit', { visible: true });
  assert.equal((await app.syncStatus()).pending, 0, 'a cancelled confirmation queues nothing');
  await castVote(first);
  await waitFor(async () => (await app.exists('my-vote')), { message: 'my vote shown' });
  await waitFor(async () => (await hubVotes(first)) === hubBefore + 1, { message: 'the hub to count the vote', timeout: 60_000 });
  await waitFor(async () => (await votesFor(first)) === hubBefore + 1, { message: 'the result bar to count my vote', timeout: 60_000 });
  await app.screenshot('zh-consultation-voted');

  const second = await choose(1);
  const secondBefore = await hubVotes(second);
  await castVote(second);
  await waitFor(async () => (await hubVotes(second)) === secondBefore + 1, { message: 'the changed vote on the hub', timeout: 60_000 });
  assert.equal(await hubVotes(first), hubBefore, 'the first choice is no longer counted');
  await waitFor(async () => (await votesFor(second)) === secondBefore + 1 && (await votesFor(first)) === hubBefore, {
    message: 'the bars to follow the change', timeout: 60_000,
  });
  const labels = await app.text('my-vote');
  assert.ok(labels.length > 0);
});

test('a vote cast offline on a consultation that closed meanwhile is shown as refused', async () => {
  await world.hub.stop();
  await openConsultation();
  const option = await choose(0);
  await castVote(option);
  await waitFor(async () => (await app.syncStatus()).pending >= 1, { message: 'the vote to wait offline' });
  await world.hub.admin('consultation', 'close', openId);
  const counted = await hubVotes(option);
  await world.hub.start();
  const refused = await app.byTestId('vote-rejected', { visible: true, timeout: 120_000 });
  assert.match(await app.text(refused), /投票已截止，未计入/);
  assert.ok((await app.all('message-item')).length >= 1, 'the message is kept for the resident');
  assert.equal(await hubVotes(option), counted, 'the late vote is not counted');
  await app.screenshot('zh-consultation-late-vote');
});

test("a closed consultation's result is marked verifiable, and settings shows the device's checked receipts", async () => {
  await waitFor(async () => (await app.syncStatus()).state === 'idle', { message: 'caught up', timeout: 60_000 });
  const list = await world.hub.adminJson('consultation', 'list');
  const closed = list.find((c) => c.closed_at && c.id !== openId);
  assert.ok(closed, 'the demo has a closed consultation');
  await app.go('consultations');
  const item = await waitFor(async () => {
    for (const i of await app.all('consultation-item')) if ((await i.getAttribute('data-id')) === closed.id) return i;
    return null;
  }, { message: 'the closed consultation listed' });
  await app.open(item);
  const mark = await app.byTestId('results-verified', { visible: true, timeout: 60_000 });
  assert.ok(Number(await mark.getAttribute('data-checkpoint')) > 0);
  assert.match(await app.text(mark), /可验证/);
  await app.go('settings');
  const receipts = await app.byTestId('settings-log-receipts', { visible: true });
  await waitFor(async () => Number(await receipts.getAttribute('data-verified')) >= 1, {
    message: 'receipts verified by the device', timeout: 60_000,
  });
  assert.equal(await app.exists('settings-log-failure'), false, 'an honest hub passes the check');
  await app.screenshot('zh-settings-verifiable');
});
