// Joining with a demo invitation code, then reading an urgent notice lowers the unread count.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { World, join, waitFor } from '../harness.mjs';

let world;
let app;
before(async () => {
  world = await World.create('notices');
  app = await world.launchApp();
});
after(async () => {
  await world?.cleanup();
});

test('join with a demo code', async () => {
  await join(app, world.codes[0].code);
  assert.ok(await app.exists('nav-notices'));
  assert.ok(await app.exists('sync-status'));
});

test('reading an urgent notice makes the unread count fall', async () => {
  await app.click('nav-home');
  const count = async () => Number(await app.text('home-unread-count'));
  const before = await waitFor(async () => {
    const n = await count();
    return n > 0 ? n : null;
  }, { timeout: 30_000, message: 'unread notices after the first sync' });
  await app.open(await app.byTestId('home-urgent', { visible: true }));
  await app.byTestId('notice-detail', { visible: true });
  assert.ok((await app.text('notice-detail-title')).length > 0);
  await app.click('nav-home');
  await waitFor(async () => (await count()) === before - 1, { message: `unread count ${before} → ${before - 1}` });

  await app.click('nav-notices');
  const urgent = await waitFor(async () => {
    for (const el of await app.all('notice-item')) {
      if ((await el.getAttribute('data-urgency')) === 'urgent') return el;
    }
    return null;
  }, { message: 'an urgent notice in the list' });
  assert.equal(await urgent.getAttribute('data-read'), 'true');
  const id = await urgent.getAttribute('data-id');
  // The hub learns about the read on the next sync.
  await waitFor(async () => {
    const n = (await world.hub.adminJson('notice', 'list')).find((x) => x.id === id);
    return n && n.read_count >= 1;
  }, { timeout: 30_000, message: 'the hub to count the read' });
});
