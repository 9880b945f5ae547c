// Join with a demo code, read the urgent notice and watch the unread count fall, switch language and back,
// and check every main screen at phone width (360×780) and desktop size, saving screenshots of each.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { World, join, waitFor, PHONE, DESKTOP } from '../harness.mjs';

let world;
let app;
before(async () => {
  world = await World.create('screens');
  app = await world.launchApp();
});
after(async () => {
  await world?.cleanup();
});

const SCREENS = ['home', 'notices', 'report', 'reports', 'consultations', 'settings'];

async function unreadCount() {
  return Number(await app.text('home-unread-count'));
}

async function visitAll(prefix) {
  for (const size of [DESKTOP, PHONE]) {
    await app.setSize(size);
    for (const screen of SCREENS) {
      await app.go(screen);
      await waitFor(async () => (await app.driver.executeScript('return location.hash')) === `#/${screen}`, {
        message: `#/${screen}`,
      });
      // Give the screen its data before the picture.
      await app.driver.sleep(300);
      const { scrollWidth, innerWidth } = await app.horizontalOverflow();
      assert.ok(scrollWidth <= innerWidth, `${prefix} ${screen} at ${size.width}px scrolls sideways (${scrollWidth} > ${innerWidth})`);
      await app.screenshot(`${prefix}-${screen}-${size.width}`);
    }
  }
  await app.setSize(DESKTOP);
}

test('the join screen comes first, in Chinese, with the hub address prefilled', async () => {
  await app.byTestId('join-code', { visible: true, timeout: 30_000 });
  assert.equal(await app.htmlLang(), 'zh-CN');
  assert.equal(await app.attr('join-hub', 'value'), world.hub.url);
  await app.screenshot('zh-join');
});

test('a wrong invitation code is refused with a clear message', async () => {
  await app.type('join-code', 'ZZZZ-ZZZZ');
  await app.click('join-submit');
  const error = await app.byTestId('join-error', { visible: true });
  assert.match(await app.text(error), /邀请码/);
});

test('joining with a demo code opens the home screen, synced', async () => {
  await join(app, world.codes[0].code);
  await waitFor(async () => (await app.syncStatus()).state === 'idle', { message: 'synced state', timeout: 30_000 });
  assert.match(await app.text('sync-status'), /已同步/);
  assert.ok((await app.all('home-urgent')).length >= 1, 'the urgent notice is on the home screen');
  assert.match(await app.attr('home-office-phone', 'href'), /^tel:/);
  await app.screenshot('zh-home-joined');
});

test('reading the urgent notice lowers the unread count', async () => {
  const before = await waitFor(async () => (await unreadCount()) || null, { message: 'an unread count' });
  await app.go('notices');
  const items = await waitFor(async () => {
    const all = await app.all('notice-item');
    return all.length ? all : null;
  }, { message: 'notice items' });
  // Pinned and urgent notices come before all others.
  const kinds = [];
  for (const item of items) {
    const top = (await item.getAttribute('data-pinned')) === 'true' || (await item.getAttribute('data-urgency')) === 'urgent';
    kinds.push(top);
  }
  assert.ok(kinds.includes(true), 'the demo has pinned/urgent notices');
  assert.deepEqual(kinds, [...kinds].sort((a, b) => Number(b) - Number(a)), `pinned/urgent first: ${kinds}`);
  let urgent;
  for (const item of items) {
    if ((await item.getAttribute('data-urgency')) === 'urgent') { urgent = item; break; }
  }
  assert.ok(urgent, 'an urgent notice is listed');
  assert.equal(await urgent.getAttribute('data-read'), 'false');
  await urgent.findElement({ css: 'a' }).click();
  await app.byTestId('notice-detail-title', { visible: true });
  await app.screenshot('zh-notice-detail');
  await app.go('home');
  await waitFor(async () => (await unreadCount()) === before - 1, {
    message: `unread count to fall from ${before} to ${before - 1}`,
  });
});

test('every main screen holds at 360×780 and at desktop size, in Chinese', async () => {
  await visitAll('zh');
});

test('switching to English and back changes every label and the page language', async () => {
  await app.go('settings');
  const select = await app.byTestId('settings-language', { visible: true });
  await select.findElement({ css: 'option[value="en-US"]' }).click();
  await waitFor(async () => (await app.htmlLang()) === 'en-US', { message: 'html lang en-US' });
  assert.equal(await app.text('nav-notices'), 'Notices');
  await visitAll('en');
  await app.go('settings');
  const again = await app.byTestId('settings-language', { visible: true });
  await again.findElement({ css: 'option[value="zh-CN"]' }).click();
  await waitFor(async () => (await app.htmlLang()) === 'zh-CN', { message: 'html lang zh-CN' });
  assert.equal(await app.text('nav-notices'), '通知公告');
});
