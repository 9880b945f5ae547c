// Switching to English and back, and the layout at phone width (360×780): no screen scrolls sideways.
// Saves screenshots of every main screen in both languages at both sizes under <target>/screenshots/.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { World, join, waitFor, setLanguage, tourAllScreens, tourJoinScreen } from '../harness.mjs';

let world;
let app;
before(async () => {
  world = await World.create('layout');
  app = await world.launchApp();
});
after(async () => {
  await world?.cleanup();
});

test('the Join screen switches language and fits a phone', async () => {
  await app.byTestId('join-code', { visible: true, timeout: 30_000 });
  const overflow = await tourJoinScreen(app);
  assert.deepEqual(overflow, [], 'the Join screen scrolls sideways at 360 px');
  await join(app, world.codes[1].code);
});

test('switch to English and back', async () => {
  assert.equal(await app.htmlLang(), 'zh-CN');
  assert.equal(await app.text('nav-home'), '首页');
  await setLanguage(app, 'en-US');
  await waitFor(async () => (await app.text('nav-home')) === 'Home', { message: 'nav-home to read Home' });
  assert.equal(await app.text('nav-settings'), 'Settings');
  await setLanguage(app, 'zh-CN');
  await waitFor(async () => (await app.text('nav-home')) === '首页', { message: 'nav-home to read 首页' });
});

test('no main screen scrolls sideways at 360×780, in either language', async () => {
  const overflow = await tourAllScreens(app);
  assert.deepEqual(overflow, [], 'screens wider than the phone viewport');
});
