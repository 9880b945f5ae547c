// A report with a photo made while the hub is down waits as pending, syncs when the hub is back, and staff
// accepting it with `linli-hub admin` reaches the open report screen without a manual refresh.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { World, join, waitFor, makeJpeg, chooseOption } from '../harness.mjs';

let world;
let app;
before(async () => {
  world = await World.create('report');
  app = await world.launchApp();
  await join(app, world.codes[0].code);
});
after(async () => {
  await world?.cleanup();
});

const TEXT = '3号楼门口路灯不亮了，晚上很黑';
const REPLY = '已安排电工明天上午维修';

test('with the hub stopped, a report with a photo is saved as pending', async () => {
  const photo = await makeJpeg(world.dir);
  await world.hub.stop();

  await app.click('nav-report');
  const category = await app.driver.findElement(app.by('report-category-facilities')).catch(async () => {
    const all = await app.driver.findElements({ css: '[data-testid^="report-category-"]' });
    assert.ok(all.length > 0, 'report categories are listed offline (from the local cache)');
    return all[0];
  });
  await app.scrollIntoView(category);
  await category.click();
  await app.click('report-next');

  await app.type('report-text', TEXT);
  const input = await app.byTestId('report-photo-input');
  await input.sendKeys(photo);
  // The form clears the input once the photo is staged on the device.
  await waitFor(async () => (await app.driver.executeScript('return arguments[0].value', input)) === '', {
    message: 'the photo to be staged',
  });
  await app.click('report-next');

  const [building, unit, room] = world.codes[0].address.split(' ');
  await chooseOption(app, 'report-building', building);
  await chooseOption(app, 'report-unit', unit);
  await chooseOption(app, 'report-room', room);
  await app.click('report-next');

  const review = await app.byTestId('report-review', { visible: true });
  assert.match(await app.text(review), /路灯不亮/);
  await app.click('report-submit');
  await app.byTestId('report-saved', { visible: true });

  await app.click('nav-reports');
  const item = await app.byTestId('report-item', { visible: true });
  assert.equal(await item.getAttribute('data-pending'), 'true');
  assert.equal(await item.getAttribute('data-status'), 'submitted');
  await waitFor(async () => (await app.syncStatus()).pending >= 1, { message: 'sync-status data-pending ≥ 1' });
  await app.screenshot('offline-report-pending');
});

test('when the hub is back the report syncs, photo included', async () => {
  await world.hub.start();
  await waitFor(
    async () => (await (await app.byTestId('report-item')).getAttribute('data-pending')) === 'false',
    { timeout: 60_000, message: 'the report to sync (data-pending=false)' },
  );
  await waitFor(async () => (await app.syncStatus()).pending === 0, {
    timeout: 30_000,
    message: 'sync-status data-pending = 0',
  });
  const reports = await world.hub.adminJson('reports', 'list');
  assert.equal(reports.length, 1);
  assert.equal(reports[0].text, TEXT);
  const shown = await world.hub.adminJson('report', 'show', reports[0].id);
  const photos = shown.photos ?? shown.report?.photos;
  assert.ok(Array.isArray(photos) && photos.length === 1, `one photo reached the hub: ${JSON.stringify(shown).slice(0, 300)}`);
});

test('staff accept the report and the open report shows 受理 and the reply by itself', async () => {
  const [{ id }] = await world.hub.adminJson('reports', 'list');
  await app.open(await app.byTestId('report-item', { visible: true }));
  await app.byTestId('report-detail', { visible: true });
  assert.equal(await app.attr('report-status', 'data-status'), 'submitted');

  await world.hub.admin('report', 'set-status', id, 'accepted', '--reply', REPLY);

  await waitFor(async () => (await app.attr('report-status', 'data-status')) === 'accepted', {
    timeout: 30_000,
    message: 'report-status data-status=accepted without a refresh',
  });
  assert.match(await app.text('report-status'), /受理/);
  await waitFor(async () => (await app.text('report-reply')).includes(REPLY), { message: 'the staff reply' });
  await app.screenshot('report-accepted');
});
