// 亲友代办 through the real app: a daughter (the app) accepts her father's proxy code (he uses the `linli` CLI on
// his own profile), chooses to act for him — a band with his address shows on every screen — and reports a broken
// stair light for him. The hub records both identities, and the father's device lists the act in his 代办记录.
import { test, after, before } from 'node:test';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import assert from 'node:assert/strict';
import path from 'node:path';
import { CLI_BIN, World, chooseOption, join, run, waitFor } from '../harness.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');

const TEXT = '三号楼二单元楼道灯坏了（女儿代父亲反映）';
let world;
let app;
let father;
let son;
const linli = async (...args) => (await run(CLI_BIN, ['--profile', father, ...args])).stdout;
const sonSays = async (...args) => (await run(CLI_BIN, ['--profile', son, ...args])).stdout;

/** axe-core WCAG 2.2 A/AA violations on the current screen. */
async function axe() {
  if (!(await app.driver.executeScript('return !!window.axe'))) {
    await app.driver.executeScript(`${AXE_SOURCE}\n;return !!window.axe;`);
  }
  return app.driver.executeAsyncScript(
    `const done = arguments[arguments.length - 1];
     window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
       .then((r) => done(r.violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', '))))
       .catch((e) => done(['axe-error: ' + e]));`,
  );
}

before(async () => {
  world = await World.create('proxy');
  father = path.join(world.dir, 'father');
  son = path.join(world.dir, 'son');
  await run(CLI_BIN, ['--profile', son, 'join', '--hub', world.hub.url, '--code', world.codes[2].code, '--accept-privacy']);
  await linli('join', '--hub', world.hub.url, '--code', world.codes[0].code, '--accept-privacy');
  app = await world.launchApp();
  await join(app, world.codes[1].code);
  await waitFor(async () => (await app.syncStatus()).state === 'idle', { message: 'first sync', timeout: 30_000 });
});
after(async () => {
  await world?.cleanup();
});

test('a daughter accepts her father\'s proxy code and acts for him with his name on every screen', async () => {
  const out = await linli('proxy', 'invite', '--scopes', 'read_notices,report,vote');
  const code = out.trim().split('\n').pop().trim();
  assert.match(code, /^[A-Z0-9-]{8,}$/, out);
  await app.go('proxies');
  await app.type('proxy-code', code);
  await app.type('proxy-name', '女儿小芳');
  await app.click('proxy-accept');
  const actFor = await app.byTestId('proxy-act-for', { visible: true, timeout: 30_000 });
  await app.screenshot('zh-proxies');
  await actFor.click();
  const banner = await app.byTestId('acting-banner', { visible: true });
  assert.match(await app.text(banner), /正在为 .+ 办理/);
  for (const nav of ['nav-notices', 'nav-report', 'nav-consultations']) {
    await app.click(nav);
    assert.ok(await app.exists('acting-banner'), `the band stays on ${nav}`);
  }
  await app.screenshot('zh-acting-for-consultations');
});

test('the report she makes is his: the hub shows both identities and his device lists the act', async () => {
  await app.go('report');
  const category = await waitFor(async () => (await app.driver.findElements({ css: '[data-testid^="report-category-"]' }))[0], {
    message: "the father's categories",
  });
  await app.open(category);
  await app.click('report-next');
  await app.type('report-text', TEXT);
  await app.click('report-next');
  const building = await app.byTestId('report-building', { visible: true });
  await chooseOption(app, 'report-building', await building.findElement({ css: 'option:nth-child(2)' }).getAttribute('value'));
  await app.click('report-next');
  await app.click('report-submit');
  await app.byTestId('report-saved', { visible: true });
  await waitFor(async () => (await app.syncStatus()).pending === 0, { message: 'the report to reach the hub', timeout: 60_000 });

  const onHub = (await world.hub.adminJson('reports', 'list')).find((r) => r.text === TEXT);
  assert.ok(onHub, 'the hub has the report');

  await linli('sync');
  const fathers = JSON.parse(await linli('reports', '--json'));
  const mine = fathers.find((r) => r.text === TEXT);
  assert.ok(mine, "the report is in the father's own list");
  const submitted = mine.events.find((e) => e.kind === 'submitted');
  assert.equal(submitted.actor, 'proxy', 'the timeline says a relative made it');
  const acts = JSON.parse(await linli('proxy', 'activity', '--json'));
  assert.ok(acts.some((a) => a.target === mine.id || a.kind.includes('report')), JSON.stringify(acts));

  // Back to her own account: her own report list does not hold her father's report.
  await app.click('acting-stop');
  assert.equal(await app.exists('acting-banner'), false);
  await app.go('reports');
  await app.driver.sleep(500);
  for (const item of await app.all('report-item')) {
    assert.notEqual(await item.getAttribute('data-id'), mine.id, "her own list is kept apart from her father's");
  }
});

test('she is a principal too: her son acts for her, and her app lists what he did, also in care mode', async () => {
  await app.go('proxies');
  await app.click('proxy-invite');
  const code = (await app.text(await app.byTestId('proxy-invite-code', { visible: true }))).trim();
  await sonSays('proxy', 'accept', code, '--name', '儿子小明');
  const grant = JSON.parse(await sonSays('proxy', 'list', '--json')).find((g) => g.role === 'proxy');
  assert.equal(grant.status, 'active');
  await sonSays('sync');
  const text = '门口路灯不亮（儿子代母亲反映）';
  const rid = (await sonSays('--as', grant.principal, 'report', 'new', '--category', 'facilities', '--text', text)).trim();
  await sonSays('sync');

  await app.click('sync-now');
  const act = await waitFor(async () => {
    await app.go('proxies');
    for (const a of await app.all('proxy-act')) if ((await a.getAttribute('data-kind')) === 'create_report') return a;
    return null;
  }, { message: "the son's act in her 代办记录", timeout: 30_000 });
  assert.match(await app.text(act), /儿子小明/);
  assert.deepEqual(await axe(), [], 'the proxies screen passes axe');

  // The report is in her own list, its timeline says a relative made it.
  await app.go('reports');
  const item = await waitFor(async () => {
    for (const i of await app.all('report-item')) if ((await i.getAttribute('data-id')) === rid) return i;
    return null;
  }, { message: 'the report in her own list' });
  await app.open(item);
  const body = await app.driver.findElement({ css: 'main' });
  assert.match(await body.getText(), /儿子小明/, 'the timeline names who made it');

  // Care mode: the same screen from settings, the band while acting for her father, and ending the son's grant.
  await app.go('settings');
  await app.click('settings-care-mode');
  await waitFor(async () => (await app.driver.executeScript('return document.documentElement.dataset.care')) === 'on', { message: 'care mode' });
  await app.go('settings');
  await app.click('settings-proxies');
  await app.byTestId('proxy-act', { visible: true });
  assert.deepEqual(await axe(), [], 'the proxies screen passes axe in care mode');
  await app.screenshot('care-proxies');
  await app.click('proxy-act-for');
  assert.ok(await app.exists('acting-banner'), 'the band shows in care mode');
  await app.screenshot('care-acting-for-home');
  await app.click('acting-stop');
  await app.go('settings');
  await app.click('settings-proxies');
  const ends = await app.all('proxy-end');
  let ended = false;
  for (const b of ends) {
    const li = await b.findElement({ xpath: './ancestor::li[1]' });
    if ((await li.getAttribute('data-role')) === 'principal') { await app.open(b); ended = true; break; }
  }
  assert.ok(ended, "a button ends the son's grant");
  await waitFor(async () => (await app.syncStatus()).pending === 0, { message: 'the revocation to reach the hub', timeout: 30_000 });
  await sonSays('sync');
  const after = JSON.parse(await sonSays('proxy', 'list', '--json')).find((g) => g.id === grant.id);
  assert.equal(after.status, 'revoked');
  await assert.rejects(sonSays('reports', '--as', grant.principal), 'the son can no longer read her reports');
});
