// The offline-first promise through the real app: with the hub down, a report with a photo is saved and shown
// as pending; when the hub is back it syncs by itself; staff accept it with `linli-hub admin` and the app shows
// 受理 and the reply without a manual refresh.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { World, join, makeJpeg, waitFor } from '../harness.mjs';

let world;
let app;
before(async () => {
  world = await World.create('offline-report');
  app = await world.launchApp();
  await join(app, world.codes[0].code);
  await waitFor(async () => (await app.syncStatus()).state === 'idle', { message: 'first sync', timeout: 30_000 });
});
after(async () => {
  await world?.cleanup();
});

const TEXT = '3号楼楼道灯坏了，晚上很黑';
let reportId;

test('with the hub stopped, a report with a photo is saved and shown as pending', async () => {
  await world.hub.stop();
  const photo = await makeJpeg(world.dir);

  await app.go('report');
  await app.click('report-category-facilities');
  await app.click('report-next');
  await app.type('report-text', TEXT);
  const input = await app.byTestId('report-photo-input');
  await input.sendKeys(photo);
  await waitFor(async () => (await app.driver.findElements({ css: '.thumbs img' })).length === 1, {
    message: 'the photo preview',
  });
  await app.click('report-next');
  const building = await app.byTestId('report-building', { visible: true });
  await building.findElement({ css: 'option:nth-child(2)' }).click();
  await app.click('report-next');
  await app.byTestId('report-review', { visible: true });
  await app.screenshot('zh-report-review');
  await app.click('report-submit');
  const saved = await app.byTestId('report-saved', { visible: true });
  assert.match(await app.text(saved), /已保存，联网后自动发送/, 'offline, the resident is told it is kept and sends itself');

  await app.go('reports');
  const item = await app.byTestId('report-item', { visible: true });
  reportId = await item.getAttribute('data-id');
  assert.equal(await item.getAttribute('data-pending'), 'true');
  assert.equal(await item.getAttribute('data-status'), 'submitted');
  await waitFor(async () => {
    const s = await app.syncStatus();
    return s.state === 'offline' && s.pending >= 1;
  }, { message: 'offline with pending changes', timeout: 60_000 });
  assert.match(await app.text('sync-status'), /离线，\d+ 条待同步/);
  await app.screenshot('zh-reports-offline');
});

test('when the hub is back, the report syncs by itself and the hub has exactly one copy with its photo', async () => {
  await world.hub.start();
  await waitFor(async () => {
    const item = await app.byTestId('report-item');
    return (await item.getAttribute('data-pending')) === 'false';
  }, { message: 'the report to sync after the hub returned', timeout: 120_000 });
  const reports = await world.hub.adminJson('reports', 'list');
  const mine = reports.filter((r) => r.text === TEXT);
  assert.equal(mine.length, 1, 'exactly one copy on the hub');
  assert.equal(mine[0].id, reportId);
  const photos = Array.isArray(mine[0].photos) ? mine[0].photos.length : Number(mine[0].photos);
  assert.equal(photos, 1, 'the photo reached the hub');
});

test('staff accept it and the app shows 受理 and the reply without a refresh', async () => {
  await app.go('reports');
  const item = await app.byTestId('report-item', { visible: true });
  await item.findElement({ css: 'a' }).click();
  await app.byTestId('report-detail', { visible: true });

  const reply = '已派物业今天下午更换灯泡';
  await world.hub.admin('report', 'set-status', reportId, 'accepted', '--reply', reply);
  await waitFor(async () => (await app.attr('report-status', 'data-status')) === 'accepted', {
    message: 'the accepted status to arrive', timeout: 60_000,
  });
  assert.equal(await app.text('report-status'), '受理');
  assert.equal(await app.text('report-reply'), reply);
  await app.screenshot('zh-report-accepted');
});
