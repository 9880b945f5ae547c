// Notices, the door-knock list and consultations in the staff console, in Debian's Chromium against a real
// `linli-hub serve` (see harness.mjs). The head composes an urgent notice for one building with hostile text
// in it, previews it as residents see it (standard and care mode), publishes it; a resident's device gets it
// over the sync API and another building's does not; read counts move as a resident and a relative (for her
// mother) read it. With the notice's publication moved three hours back in the hub's database, the grid
// worker's door-knock list holds the unread households of their grid, the household the office looks after
// first and those without a phone before the one with a phone; a call's outcome and note are recorded and
// shown as text; another building's grid worker sees nobody. Retracting removes it from the device. The
// head then runs a consultation: turnout per building and the relatives' share while open, closing it.
// axe-core on each screen in both languages; screenshots at 390 and 1280 px.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as H from '../harness.mjs';
import { HUB_BIN, COMMUNITY, run, msg, uuidv7, axe, shots } from '../harness.mjs';

let h, dir, url;

before(async () => {
  h = await H.startHub();
  ({ dir, url } = h);
});

after(async () => {
  await h?.stop();
});

/** A resident of building/unit/room joins over the API; returns the token and ids. */
async function resident(building, unit, room) {
  const invited = await run(HUB_BIN, ['admin', '--data-dir', dir, '--community', COMMUNITY, 'invite', '--building', building, '--unit', unit, '--room', room]);
  const code = invited.stdout.match(/[A-Z0-9]{4}-[A-Z0-9]{4}/)?.[0];
  assert.ok(code, 'an invitation code');
  const j = await (await fetch(`${url}/v1/join`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ code, device_name: 'e2e', privacy_version: 1 }),
  })).json();
  assert.ok(j.token, JSON.stringify(j));
  return { token: j.token, resident: j.resident_id, seq: 0 };
}

async function api(dev, method, path, body) {
  const resp = await fetch(`${url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${dev.token}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return resp.json();
}

async function push(dev, body, onBehalfOf = null) {
  dev.seq += 1;
  const r = await api(dev, 'POST', '/v1/push', {
    ops: [{ id: uuidv7(), device_seq: dev.seq, created_at: new Date().toISOString(), on_behalf_of: onBehalfOf, body }],
  });
  assert.equal(r.results[0].status, 'applied', JSON.stringify(r));
}

/** The notice records the device holds (latest state per id). */
async function notices(dev) {
  const page = await api(dev, 'GET', '/v1/pull?cursor=0&limit=1000');
  const latest = new Map();
  for (const c of page.changes) {
    if (c.record.type === 'notice' || c.record.type === 'notice_removed') latest.set(c.record.data.id, c.record);
  }
  return [...latest.values()].filter((r) => r.type === 'notice').map((r) => r.data);
}

async function relative(principal, proxy, scopes) {
  const { code } = await api(principal, 'POST', '/v1/proxy/invites', { scopes, days: 30 });
  const g = await api(proxy, 'POST', '/v1/proxy/accept', { code, proxy_name: '王芳（女儿）' });
  assert.ok(g.id, JSON.stringify(g));
}

/** Both languages: axe on the screen as it stands, back to Chinese after. */
async function axeBoth(page, screen) {
  await axe(page, `${screen} (zh-CN)`);
  await page.getByTestId('lang').selectOption('en-US');
  await axe(page, `${screen} (en-US)`);
  await page.getByTestId('lang').selectOption('zh-CN');
}

const addresses = (page) => page.getByTestId('knock-address').allTextContents();

test('an urgent notice: compose, preview, publish, read counts, the door-knock list and retracting', async () => {
  const headId = await H.staffMember(h, '王主任', 'head');
  const gridId = await H.staffMember(h, '赵网格员', 'grid', '1号楼');
  const otherGridId = await H.staffMember(h, '钱网格员', 'grid', '2号楼');
  const reader = await resident('1号楼', '1单元', '101');
  const mother = await resident('1号楼', '2单元', '202');
  await resident('1号楼', '1单元', '102');
  const elsewhere = await resident('2号楼', '1单元', '101');
  const daughter = await resident('3号楼', '2单元', '201');
  await relative(mother, daughter, ['read_notices']);

  const { context, page } = await H.signedIn(h, headId);
  await page.getByTestId('open-notices').click();
  const hostile = '<img src=x onerror="document.title=1">停水通知\u202e';
  await page.getByTestId('notice-title').fill(hostile);
  await page.getByTestId('notice-body').fill('明早 8:00–12:00 停水，<script>alert(1)</script> 请提前储水。');
  await page.getByTestId('notice-urgency').selectOption('urgent');
  await page.getByTestId('notice-pinned').check();
  await page.getByTestId('audience-buildings').check();
  await page.getByTestId('audience-1号楼').check();

  // The preview holds the text as text, and care mode makes it larger.
  const preview = page.getByTestId('notice-preview');
  assert.equal(await page.getByTestId('preview-title').textContent(), hostile);
  assert.equal(await preview.locator('img, script').count(), 0);
  const size = async () => parseFloat(await preview.evaluate((e) => getComputedStyle(e).fontSize));
  const standard = await size();
  await axeBoth(page, 'notices');
  await shots(page, 'notices');
  await page.getByTestId('preview-care').click();
  assert.equal(await preview.getAttribute('data-care'), 'on');
  assert.ok((await size()) >= standard * 1.4, 'care mode is larger');
  await axe(page, 'notices (care preview)');
  await shots(page, 'notices-care');

  await page.getByTestId('notice-publish').click();
  await page.getByTestId('notice').waitFor();
  assert.equal(await page.getByTestId('notice').textContent(), msg('zh-CN', 'console-notice-published'));
  const item = page.getByTestId('notice-item').first();
  const id = await item.getAttribute('data-id');
  assert.equal(await item.locator('h3').textContent(), hostile);

  // The resident's device receives it; another building's does not.
  const got = (await notices(reader)).find((n) => n.id === id);
  assert.ok(got, 'the resident has the notice');
  assert.equal(got.title, hostile);
  assert.equal(got.urgency, 'urgent');
  assert.equal((await notices(elsewhere)).some((n) => n.id === id), false);

  // She reads it; a daughter reads it for her mother.
  await push(reader, { type: 'mark_notice_read', notice_id: id });
  await push(daughter, { type: 'mark_notice_read', notice_id: id }, mother.resident);
  await page.getByTestId('notices-refresh').click();
  await page.waitForFunction(() => document.querySelector('[data-testid="reads-read"]')?.textContent === '1');
  assert.equal(await item.getByTestId('reads-read').textContent(), '1');
  assert.equal(await item.getByTestId('reads-relative').textContent(), '1');

  // Three hours later (the publication moved back in the hub's database), nobody else has read it.
  const earlier = new Date(Date.now() - 3 * 3600 * 1000).toISOString().replace('Z', '000Z');
  await run('sqlite3', [join(dir, 'hub.db'), `UPDATE notices SET published_at = '${earlier}' WHERE id = '${id}'`]);

  const grid = await H.signedIn(h, gridId);
  const g = grid.page;
  await g.getByTestId('open-notices').click();
  // Moved back, it now lists below the demo's newer notices.
  const mine = (p) => p.locator(`[data-testid="notice-item"][data-id="${id}"]`);
  await mine(g).getByTestId('open-door-knock').click();
  await g.getByTestId('knock-hours').fill('2');
  await g.getByTestId('knock-show').click();
  await g.getByTestId('knock-entry').first().waitFor();
  assert.deepEqual(await addresses(g), [
    '1号楼 1单元 201', '1号楼 1单元 202', '1号楼 2单元 101', '1号楼 2单元 102', '1号楼 2单元 201', '1号楼 1单元 102',
  ]);
  // The household the office looks after goes first.
  const entry = (address) => g.getByTestId('knock-entry').filter({ has: g.getByText(address, { exact: true }) });
  await entry('1号楼 2单元 201').getByTestId('knock-toggle-care').click();
  await g.getByTestId('knock-care').first().waitFor();
  assert.deepEqual((await addresses(g))[0], '1号楼 2单元 201');
  assert.equal(await entry('1号楼 2单元 201').getByTestId('knock-care').count(), 1);
  assert.equal(await entry('1号楼 1单元 102').getByTestId('knock-no-device').count(), 0);
  assert.equal(await entry('1号楼 1单元 202').getByTestId('knock-no-device').count(), 1);

  // A call that did not reach anyone, with a note shown as text.
  const phoned = entry('1号楼 1单元 102');
  await phoned.getByTestId('knock-outcome-select').selectOption('not_reached');
  const note = '<b>老人</b>不在家，邻居说明天回';
  await phoned.getByTestId('knock-note-input').fill(note);
  await phoned.getByTestId('knock-record').click();
  await phoned.getByTestId('knock-outcome').waitFor();
  const shown = await phoned.getByTestId('knock-outcome').textContent();
  assert.ok(shown.includes(msg('zh-CN', 'console-knock-outcome-not_reached')) && shown.includes('赵网格员'), shown);
  assert.ok((await phoned.getByTestId('knock-note').textContent()).includes(note));
  assert.equal(await phoned.locator('b').count(), 0);
  await axeBoth(g, 'door-knock');
  await shots(g, 'door-knock');

  // Another building's grid worker has nobody to call.
  const other = await H.signedIn(h, otherGridId);
  await other.page.getByTestId('open-notices').click();
  await mine(other.page).getByTestId('open-door-knock').click();
  await other.page.getByTestId('knock-hours').fill('2');
  await other.page.getByTestId('knock-show').click();
  await other.page.getByTestId('knock-empty').waitFor();

  // Retracted: gone from the device.
  await page.getByTestId('notices-refresh').click();
  await mine(page).getByTestId('notice-retract').click();
  await mine(page).getByTestId('notice-retracted').waitFor();
  assert.equal((await notices(reader)).some((n) => n.id === id), false);
  for (const c of [context, grid.context, other.context]) await c.close();
});

test('a consultation: created on the screen, turnout and the relatives share while open, then closed', async () => {
  const headId = await H.staffMember(h, '李书记', 'head');
  const { context, page } = await H.signedIn(h, headId);
  await page.getByTestId('open-consultations').click();
  const local = (d) => new Date(d.getTime() - d.getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  await page.getByTestId('consult-title').fill('1号楼加装电梯');
  await page.getByTestId('consult-options').fill('同意\n不同意');
  await page.getByTestId('consult-opens').fill(local(new Date(Date.now() - 3600 * 1000)));
  await page.getByTestId('consult-closes').fill(local(new Date(Date.now() + 7 * 86400 * 1000)));
  await page.getByTestId('eligible-1号楼').check();
  await page.getByTestId('consult-create').click();
  await page.getByTestId('notice').waitFor();
  const item = page.getByTestId('consult-item').filter({ hasText: '1号楼加装电梯' });
  const id = await item.getAttribute('data-id');

  const voter = await resident('1号楼', '2单元', '101');
  const father = await resident('1号楼', '2单元', '102');
  const son = await resident('2号楼', '2单元', '202');
  await relative(father, son, ['vote']);
  const c = await api(voter, 'GET', `/v1/consultations/${id}`);
  await push(voter, { type: 'cast_vote', consultation_id: id, option_ids: [c.options[0].id] });
  await push(son, { type: 'cast_vote', consultation_id: id, option_ids: [c.options[1].id] }, father.resident);

  await page.getByTestId('consult-refresh').click();
  await page.waitForFunction((cid) => document.querySelector(`[data-id="${cid}"] [data-testid="consult-relatives"]`)?.textContent.includes('50%'), id);
  const row = await item.getByTestId('turnout-row').first().locator('td').allTextContents();
  assert.equal(row[1], '2');
  assert.ok((await item.getByTestId('consult-relatives').textContent()).includes('1'), 'one by a relative');
  await axeBoth(page, 'consultations');
  await shots(page, 'consultations');

  await item.getByTestId('consult-close').click();
  await item.getByTestId('consult-state').filter({ hasText: msg('zh-CN', 'console-consult-state-closed') }).waitFor();
  assert.equal(await item.getByTestId('consult-close').count(), 0);
  await context.close();
});
