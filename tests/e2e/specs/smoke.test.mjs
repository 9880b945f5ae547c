// The app binary starts under tauri-driver against a real hub and shows the Join screen, prefilled with the hub.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { World } from '../harness.mjs';

let world;
before(async () => {
  world = await World.create('smoke');
  await world.launchApp();
});
after(async () => {
  await world?.cleanup();
});

test('the app launches on the Join screen with the hub address prefilled', async () => {
  const app = world.app;
  await app.byTestId('join-code', { visible: true, timeout: 30_000 });
  assert.equal(await app.attr('join-hub', 'value'), world.hub.url);
  assert.ok(await app.exists('join-submit'));
  assert.ok(await app.exists('lang-zh'));
  assert.ok(await app.exists('lang-en'));
  assert.equal(await app.htmlLang(), 'zh-CN');
});
