// Voting, changing the vote and seeing live results; a vote cast offline on a consultation that staff closed
// meanwhile is refused and the app says so.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { World, join, waitFor } from '../harness.mjs';

let world;
let app;
before(async () => {
  world = await World.create('consultations');
  app = await world.launchApp();
  await join(app, world.codes[0].code);
});
after(async () => {
  await world?.cleanup();
});

/** Opens the consultation with this id from the list. */
async function openConsultation(id) {
  await app.click('nav-consultations');
  const item = await waitFor(async () => {
    for (const el of await app.all('consultation-item')) {
      if ((await el.getAttribute('data-id')) === id) return el;
    }
    return null;
  }, { timeout: 30_000, message: `consultation-item ${id}` });
  await app.open(item);
  await app.byTestId('consultation-detail', { visible: true });
}

async function confirmIfAsked() {
  const confirm = await app.all('vote-confirm');
  for (const el of confirm) if (await el.isDisplayed()) await el.click();
}

async function chooseAndSubmit(optionId) {
  const option = await waitFor(async () => {
    for (const el of await app.all('vote-option')) {
      if ((await el.getAttribute('data-option-id')) === optionId) return el;
    }
    return null;
  }, { message: `vote-option ${optionId}` });
  await app.scrollIntoView(option);
  await app.jsClick(option);
  await app.click('vote-submit');
  await confirmIfAsked();
}

async function votesShown(optionId) {
  for (const el of await app.all('result-bar')) {
    if ((await el.getAttribute('data-option-id')) === optionId) return Number(await el.getAttribute('data-votes'));
  }
  return null;
}

async function hubVotes(id) {
  const c = (await world.hub.adminJson('consultation', 'list')).find((x) => x.id === id);
  return Object.fromEntries(c.options.map((o) => [o.id, o.votes]));
}

test('vote, change the vote, see the results', async () => {
  const open = (await world.hub.adminJson('consultation', 'list')).find(
    (c) => c.closed_at === null && c.results_visibility === 'live',
  );
  assert.ok(open, 'the demo has an open consultation with live results');
  const [a, b] = open.options;
  await openConsultation(open.id);

  await chooseAndSubmit(a.id);
  await waitFor(async () => (await app.text('my-vote')).includes(a.label), { message: `my-vote = ${a.label}` });
  await waitFor(async () => (await hubVotes(open.id))[a.id] === a.votes + 1, {
    timeout: 30_000,
    message: 'the hub to count the vote',
  });
  await waitFor(async () => (await votesShown(a.id)) === a.votes + 1, {
    timeout: 30_000,
    message: 'result-bar of the chosen option to show the vote',
  });

  await chooseAndSubmit(b.id);
  await waitFor(async () => (await app.text('my-vote')).includes(b.label), { message: `my-vote = ${b.label}` });
  await waitFor(
    async () => {
      const v = await hubVotes(open.id);
      return v[a.id] === a.votes && v[b.id] === b.votes + 1;
    },
    { timeout: 30_000, message: 'the hub to move the household vote' },
  );
  await waitFor(async () => (await votesShown(b.id)) === b.votes + 1 && (await votesShown(a.id)) === a.votes, {
    timeout: 30_000,
    message: 'result bars to follow the changed vote',
  });
  await app.screenshot('consultation-voted');
});

test('a vote on a consultation closed while offline shows its rejection', async () => {
  const out = await world.hub.admin(
    'consultation', 'create', '--title', '楼道灯改造方案', '--option', '声控灯', '--option', '常亮节能灯',
  );
  const id = out.trim().split('\n').pop().trim();
  const created = (await world.hub.adminJson('consultation', 'list')).find((c) => c.id === id);
  assert.ok(created, `created consultation ${id}`);
  await openConsultation(id);

  await world.hub.stop();
  await chooseAndSubmit(created.options[0].id);
  await waitFor(async () => (await app.text('my-vote')).includes(created.options[0].label), {
    message: 'the offline vote is kept locally',
  });
  await world.hub.admin('consultation', 'close', id);
  await world.hub.start();

  const shown = await waitFor(
    async () => {
      for (const el of [...(await app.all('vote-rejected')), ...(await app.all('message-item'))]) {
        if (await el.isDisplayed()) return el;
      }
      return null;
    },
    { timeout: 60_000, message: 'vote-rejected or a message-item after the sync' },
  );
  assert.ok((await app.text(shown)).length > 0);
  assert.equal((await hubVotes(id))[created.options[0].id], 0, 'the hub did not count the late vote');
  await app.screenshot('consultation-vote-rejected');
});
