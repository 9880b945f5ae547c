// The app as people hold it: at 390×844 (a phone) a bottom tab bar of five tabs clear of the safe area, with
// 我的 holding my reports, relatives and settings, and a compact top bar with the sync state; a report's photo
// shown in the review step; the progress stepper of a report the office accepted and dispatched (who handles it,
// the promised date), from real `linli-hub admin` commands; the full-screen photo viewer (focus kept inside,
// Escape closes, alt text); a text over its limit refused with the limit and its length. axe-core finds nothing
// on each of these screens; screenshots in target/screenshots/.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Key } from 'selenium-webdriver';
import { World, DEMO_COMMUNITY, DESKTOP, HUB_BIN, join, run, sleep, waitFor } from '../harness.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
const PHONE_390 = { width: 390, height: 844 };
const TEXT = '2号楼门口的路灯不亮了，晚上看不清台阶';

let world;
let app;
before(async () => {
  world = await World.create('phone');
  app = await world.launchApp();
  await join(app, world.codes[0].code);
  await waitFor(async () => (await app.syncStatus()).state === 'idle', { message: 'first sync', timeout: 30_000 });
  await app.setSize(PHONE_390);
});
after(async () => {
  await world?.cleanup();
});

async function axe() {
  if (!(await app.driver.executeScript('return !!window.axe'))) {
    await app.driver.executeScript(`${AXE_SOURCE}\n;return !!window.axe;`);
  }
  return app.driver.executeAsyncScript(
    `const done = arguments[arguments.length - 1];
     window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
       .then((r) => done(r.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }))))
       .catch((e) => done([{ id: 'axe-error', nodes: [String(e)] }]));`,
  );
}

/** Where the bar and the top bar are, which tabs show, and whether the page scrolls sideways. */
async function layout() {
  return app.driver.executeScript(`
    const nav = document.querySelector('[data-testid=main-nav]').getBoundingClientRect();
    const top = document.querySelector('header.top').getBoundingClientRect();
    const tabs = [...document.querySelectorAll('[data-testid=main-nav] a')]
      .filter((a) => a.getBoundingClientRect().width > 0)
      .map((a) => ({ id: a.dataset.testid, label: a.innerText.trim(), current: a.getAttribute('aria-current'),
                     w: a.getBoundingClientRect().width, h: a.getBoundingClientRect().height }));
    return { navTop: nav.top, navBottom: nav.bottom, innerHeight, innerWidth, topHeight: top.height,
             scrollWidth: document.documentElement.scrollWidth, tabs };`);
}

test('at 390 px: five bottom tabs clear of the safe area, a compact top bar with the sync state', async () => {
  // A new screen after the resize, so the picture below is drawn at the new width.
  await app.go('notices');
  await app.go('home');
  await app.byTestId('home-unread-count', { visible: true });
  const l = await layout();
  assert.deepEqual(l.tabs.map((t) => t.label), ['首页', '通知', '随手拍', '议事', '我的']);
  assert.equal(l.tabs.find((t) => t.id === 'nav-home').current, 'page');
  assert.ok(Math.abs(l.navBottom - l.innerHeight) <= 1, `the bar sits at the bottom (${l.navBottom} vs ${l.innerHeight})`);
  for (const t of l.tabs) assert.ok(t.w >= 44 && t.h >= 44, `tab ${t.id} is ${t.w}×${t.h}`);
  assert.ok(l.topHeight <= 64, `the top bar is one compact row (${l.topHeight} px)`);
  assert.ok(l.scrollWidth <= l.innerWidth, `no sideways scrolling (${l.scrollWidth} > ${l.innerWidth})`);
  assert.match(await app.text('sync-status'), /已同步/);
  // The page is laid out under the notch and home indicator, and the bar keeps clear of them.
  const safe = await app.driver.executeScript(`
    const meta = document.querySelector('meta[name=viewport]').content;
    const rules = [...document.styleSheets].flatMap((s) => [...s.cssRules]).map((r) => r.cssText).join('\\n');
    return { meta, bottom: /safe-area-inset-bottom/.test(rules) };`);
  assert.match(safe.meta, /viewport-fit=cover/);
  assert.ok(safe.bottom, 'env(safe-area-inset-bottom) is in the style sheet');
  // The end of the page scrolls clear of the bar.
  const clear = await app.driver.executeScript(`
    window.scrollTo(0, document.documentElement.scrollHeight);
    const last = document.querySelector('main').lastElementChild.getBoundingClientRect();
    return { last: last.bottom, bar: document.querySelector('[data-testid=main-nav]').getBoundingClientRect().top };`);
  assert.ok(clear.last <= clear.bar + 1, `the last of the page (${clear.last}) is above the bar (${clear.bar})`);
  await app.driver.executeScript('window.scrollTo(0, 0)');
  assert.deepEqual(await axe(), []);
  await sleep(300);
  await app.screenshot('phone-390-home');
});

test('我的 holds my reports, relatives and settings; it stays the current tab inside them', async () => {
  await app.click('nav-me');
  await app.byTestId('me-list', { visible: true });
  for (const id of ['me-reports', 'me-proxies', 'me-settings']) assert.ok(await app.exists(id), id);
  assert.match(await app.text('me-household'), /^我家：\S+/);
  assert.equal(await app.attr('nav-me', 'aria-current'), 'page');
  assert.deepEqual(await axe(), []);
  await app.screenshot('phone-390-me');
  await app.click('me-settings');
  await app.byTestId('settings-language', { visible: true });
  assert.equal(await app.attr('nav-me', 'aria-current'), 'page');
  await app.screenshot('phone-390-settings');
});

test('care mode keeps its three big choices at 390 px, as big buttons above the page', async () => {
  await app.go('home');
  await app.click('home-care-on');
  await app.byTestId('home-care-off', { visible: true });
  const l = await layout();
  assert.deepEqual(l.tabs.map((t) => t.id), ['nav-home', 'nav-reports', 'nav-settings']);
  for (const t of l.tabs) assert.ok(t.h >= 60, `care-mode entry ${t.id} is ${t.h} px high`);
  assert.ok(l.navTop < l.innerHeight / 2, `the bar is above the page (${l.navTop})`);
  assert.ok(l.scrollWidth <= l.innerWidth, `no sideways scrolling (${l.scrollWidth} > ${l.innerWidth})`);
  await sleep(300);
  await app.screenshot('phone-390-care-home');
  await app.click('home-care-off');
  await app.byTestId('nav-me', { visible: true });
});

test('at desktop width the bar is back at the top with every section', async () => {
  await app.setSize(DESKTOP);
  const l = await layout();
  assert.ok(l.navTop < 200, `the bar is at the top (${l.navTop})`);
  assert.deepEqual(
    l.tabs.map((t) => t.id),
    ['nav-home', 'nav-notices', 'nav-report', 'nav-reports', 'nav-consultations', 'nav-proxies', 'nav-settings'],
  );
  await app.setSize(PHONE_390);
});

test('the review step shows the photo it mentions', async () => {
  const photo = path.join(world.dir, 'street-light.jpg');
  await run('convert', ['-size', '800x600', 'gradient:navy-orange', '-fill', 'white', '-draw', 'circle 400,300 400,200', photo]);
  await app.go('report');
  await app.click('report-category-facilities');
  await app.click('report-next');
  await app.type('report-text', TEXT);
  await (await app.byTestId('report-photo-input')).sendKeys(photo);
  await waitFor(async () => (await app.driver.findElements({ css: '.thumbs img' })).length === 1, { message: 'the photo preview' });
  await app.click('report-next');
  const building = await app.byTestId('report-building', { visible: true });
  await building.findElement({ css: 'option:nth-child(2)' }).click();
  await app.click('report-next');
  await app.byTestId('report-review', { visible: true });
  const img = await app.byTestId('report-review-photo', { visible: true });
  const shown = await app.driver.executeScript(
    'const i = arguments[0]; return { w: i.naturalWidth, alt: i.alt, box: i.getBoundingClientRect().width };', img);
  assert.ok(shown.w > 0 && shown.box >= 48, `the thumbnail is drawn (${JSON.stringify(shown)})`);
  assert.equal(shown.alt, '照片 1（共 1 张）');
  assert.match(await app.text('report-review'), /1 张照片/);
  assert.deepEqual(await axe(), []);
  await app.screenshot('phone-390-report-review');
  await app.click('report-submit');
  await app.byTestId('report-saved', { visible: true });
});

let reportId;

test('accepted and dispatched by the office: a stepper with who handles it and the promised date', async () => {
  await waitFor(async () => (await world.hub.adminJson('reports', 'list')).some((r) => r.text === TEXT), {
    message: 'the report on the hub', timeout: 60_000,
  });
  reportId = (await world.hub.adminJson('reports', 'list')).find((r) => r.text === TEXT).id;
  const hubAdmin = async (staff, ...args) =>
    (await run(HUB_BIN, ['admin', '--data-dir', world.hub.dataDir, ...(staff ? ['--staff', staff] : []), '--community', DEMO_COMMUNITY, ...args])).stdout.trim();
  const head = await hubAdmin(null, 'staff', 'add', '--name', '王主任', '--role', 'head');
  const unit = await hubAdmin(null, 'staff', 'add', '--name', '物业公司', '--role', 'unit');
  await world.hub.admin('report', 'set-status', reportId, 'accepted', '--reply', '已派物业处理');
  await hubAdmin(head, 'report', 'dispatch', reportId, '--to', unit, '--deadline', '2026-12-18T23:59:59+08:00');

  await app.go('reports');
  const item = await app.byTestId('report-item', { visible: true });
  await app.open(item);
  await app.byTestId('report-progress', { visible: true });
  await waitFor(async () => {
    if (await app.exists('report-handler')) return true;
    await app.click('sync-now');
    return false;
  }, {
    message: 'the dispatch to reach the device', timeout: 60_000, interval: 2000,
  });
  const steps = await app.driver.executeScript(`
    return [...document.querySelectorAll('[data-testid=report-step]')].map((s) =>
      ({ status: s.dataset.status, state: s.dataset.state, current: s.getAttribute('aria-current') }));`);
  assert.deepEqual(steps, [
    { status: 'submitted', state: 'done', current: null },
    { status: 'accepted', state: 'current', current: 'step' },
    { status: 'in_progress', state: 'todo', current: null },
    { status: 'resolved', state: 'todo', current: null },
  ]);
  assert.equal(await app.text('report-handler'), '承办：物业公司');
  assert.equal(await app.text('report-promised'), '承诺 12月18日 前办结');
  assert.match(await app.text('report-progress'), /已提交[\s\S]*受理[\s\S]*处理中[\s\S]*已办结/);
  assert.deepEqual(await axe(), []);
  await app.screenshot('phone-390-report-dispatched');
});

test('the photo opens full screen: alt text, focus kept inside, Escape closes and focus returns', async () => {
  const thumb = await app.byTestId('report-photo', { visible: true });
  await waitFor(async () => (await thumb.findElements({ css: 'img' })).length === 1, { message: 'the thumbnail' });
  await app.scrollIntoView(thumb);
  await thumb.click();
  const img = await app.byTestId('viewer-image', { visible: true, timeout: 30_000 });
  await waitFor(async () => (await app.driver.executeScript('return arguments[0].naturalWidth', img)) > 0, {
    message: 'the full picture',
  });
  const state = await app.driver.executeScript(`
    const d = document.querySelector('[data-testid=photo-viewer]'); const i = d.querySelector('img');
    const r = i.getBoundingClientRect();
    return { open: d.open, alt: i.alt, focusInside: d.contains(document.activeElement), w: r.width, innerWidth };`);
  assert.equal(state.open, true);
  assert.equal(state.alt, '照片 1（共 1 张） · 设施维修');
  assert.ok(state.focusInside, 'focus moves into the viewer');
  assert.ok(state.w >= state.innerWidth * 0.9, `the photo fills the width (${state.w} of ${state.innerWidth})`);
  for (let i = 0; i < 3; i++) {
    await app.driver.switchTo().activeElement().sendKeys(Key.TAB);
    assert.ok(
      await app.driver.executeScript("return document.querySelector('[data-testid=photo-viewer]').contains(document.activeElement)"),
      `focus stays inside after Tab ${i + 1}`,
    );
  }
  assert.deepEqual(await axe(), []);
  await app.screenshot('phone-390-photo-viewer');
  await app.driver.switchTo().activeElement().sendKeys(Key.ESCAPE);
  await waitFor(async () => !(await app.driver.executeScript("return document.querySelector('[data-testid=photo-viewer]').open")), {
    message: 'Escape to close the viewer',
  });
  assert.equal(await app.driver.executeScript("return document.activeElement?.dataset.testid"), 'report-photo', 'focus back on the thumbnail');
});

test('a text over its limit is refused with the limit and how long it is now', async () => {
  await app.go('report');
  await app.click('report-category-facilities');
  await app.click('report-next');
  const area = await app.byTestId('report-text', { visible: true });
  // Pasted in one go, as a long message copied from a chat would be; nothing cuts it short on the way.
  await app.driver.executeScript(
    "arguments[0].value = '灯'.repeat(2034); arguments[0].dispatchEvent(new Event('input', { bubbles: true }));", area);
  await app.click('report-next');
  const building = await app.byTestId('report-building', { visible: true });
  await building.findElement({ css: 'option:nth-child(2)' }).click();
  await app.click('report-next');
  await app.click('report-submit');
  const error = await waitFor(async () => {
    for (const el of await app.driver.findElements({ css: '[role=alert]' })) {
      const text = await app.text(el);
      if (text) return text;
    }
    return null;
  }, { message: 'the refusal' });
  assert.equal(error, '填写的文字太长了：最多 2000 个字，现在是 2034 个字');
  await app.screenshot('phone-390-text-too-long');
});
