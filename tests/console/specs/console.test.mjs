// The staff console in Debian's Chromium against a real `linli-hub serve` on a free port with the demo
// community in a temp dir: a first password from the one-time link, a wrong then the right password, a
// resident's report (made over the sync API) in the inbox, accepting it with a reply, and the resident's
// copy on the hub showing the new status. axe-core checks each screen; screenshots at 390 and 1280 px go
// to target/screenshots/console-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

const ROOT = resolve(import.meta.dirname, '../../..');
const TARGET = process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target');
const HUB_BIN = process.env.LINLI_HUB_BIN ?? join(TARGET, 'debug', 'linli-hub');
const SHOTS = join(TARGET, 'screenshots');
const COMMUNITY = '幸福里社区';
const PASSWORD = 'a long enough password';
const run = promisify(execFile);

let dir, hub, url, browser;
const messages = (lang) => readFileSync(join(ROOT, 'locales', lang, 'console.ftl'), 'utf8');
/** A message's text straight from the Fluent file (the console's strings are plain, no placeables here). */
const msg = (lang, id) => {
  const line = messages(lang).split('\n').find((l) => l.startsWith(`${id} =`));
  assert.ok(line, `${id} in ${lang}`);
  return line.slice(id.length + 3).trim();
};
const errorMsg = (lang, id) => {
  const text = readFileSync(join(ROOT, 'locales', lang, 'errors.ftl'), 'utf8');
  return text.split('\n').find((l) => l.startsWith(`${id} =`)).slice(id.length + 3).trim();
};

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

/** A UUIDv7, as devices choose for their records. */
function uuidv7() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  const ms = BigInt(Date.now());
  for (let i = 0; i < 6; i++) b[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

async function axe(page, screen) {
  const result = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .analyze();
  assert.deepEqual(
    result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    [],
    `axe violations on the ${screen} screen`,
  );
}

/** Screenshots at a phone's and a desk's width; the page must not scroll sideways on the phone. */
async function shots(page, screen) {
  for (const [w, h] of [[390, 844], [1280, 800]]) {
    await page.setViewportSize({ width: w, height: h });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= w, `${screen} at ${w} px is ${wide} px wide`);
    await page.screenshot({ path: join(SHOTS, `console-${screen}-${w}.png`), fullPage: true });
  }
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'linli-console-'));
  await run(HUB_BIN, ['demo', '--data-dir', dir]);
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  hub = spawn(HUB_BIN, ['serve', '--data-dir', dir, '--listen', `127.0.0.1:${port}`], { stdio: 'ignore' });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {}
    if (i > 200) throw new Error('hub did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  hub?.kill('SIGTERM');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('a staff member sets a password, signs in, and accepts a report with a reply', async () => {
  // The office registers the member; the one-time link goes to stderr.
  const added = await run(HUB_BIN, ['admin', '--data-dir', dir, '--community', COMMUNITY, 'staff', 'add', '--name', '李社工']);
  const staffId = added.stdout.trim();
  const link = added.stderr.match(/\/console\/#setup=([0-9a-f]{64})/);
  assert.ok(link, `a setup link in: ${added.stderr}`);

  // A resident joins and makes a report over the sync API, as the app does.
  const demo = await run(HUB_BIN, ['admin', '--data-dir', dir, '--community', COMMUNITY, 'invite', '--building', '1号楼', '--unit', '1单元', '--room', '101']);
  const code = demo?.stdout.match(/[A-Z0-9]{4}-[A-Z0-9]{4}/)?.[0];
  assert.ok(code, 'an invitation code');
  const joined = await (await fetch(`${url}/v1/join`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ code, device_name: 'e2e', privacy_version: 1 }),
  })).json();
  const token = joined.token;
  assert.ok(token, JSON.stringify(joined));
  const reportId = uuidv7();
  const text = '3号楼电梯停了一天';
  const pushed = await (await fetch(`${url}/v1/push`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({
      ops: [{ id: uuidv7(), device_seq: 1, created_at: new Date().toISOString(), on_behalf_of: null,
        body: { type: 'create_report', report_id: reportId, category: 'facilities', text } }],
    }),
  })).json();
  assert.equal(pushed.results[0].status, 'applied', JSON.stringify(pushed));

  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const page = await context.newPage();

  // The first password, through the link.
  await page.goto(`${url}/console/#setup=${link[1]}`);
  await page.getByTestId('new-password').waitFor();
  assert.equal(await page.title(), msg('zh-CN', 'console-title'));
  await axe(page, 'setup');
  await shots(page, 'setup');
  await page.getByTestId('new-password').fill(PASSWORD);
  await page.getByTestId('set-password').click();
  await page.getByTestId('notice').waitFor();
  assert.equal(await page.getByTestId('notice').textContent(), msg('zh-CN', 'console-password-set'));

  // A wrong password, then the right one.
  await page.getByTestId('staff-id').fill(staffId);
  await page.getByTestId('password').fill('not the password');
  await axe(page, 'sign-in');
  await page.getByTestId('sign-in').click();
  await page.getByTestId('error').waitFor();
  assert.equal(await page.getByTestId('error').textContent(), errorMsg('zh-CN', 'error-staff-sign-in-failed'));
  await axe(page, 'sign-in-error');
  await shots(page, 'sign-in');
  await page.getByTestId('password').fill(PASSWORD);
  await page.getByTestId('sign-in').click();

  // The inbox holds the resident's report.
  const item = page.locator(`[data-report-id="${reportId}"]`);
  await item.waitFor();
  assert.ok((await item.textContent()).includes(text));
  assert.ok((await item.textContent()).includes(msg('zh-CN', 'console-status-submitted')));
  await axe(page, 'inbox');
  await shots(page, 'inbox');

  // Its detail, and accepting it with a reply.
  await item.click();
  await page.getByTestId('detail').waitFor();
  assert.equal(await page.getByTestId('detail-text').textContent(), text);
  await axe(page, 'detail');
  await page.getByTestId('new-status').selectOption('accepted');
  await page.getByTestId('reply').fill('物业今天下午来修');
  await page.getByTestId('change-status').click();
  await page.getByTestId('notice').waitFor();
  assert.equal(await page.getByTestId('detail-status').textContent(), msg('zh-CN', 'console-status-accepted'));
  await axe(page, 'detail-after-change');
  await shots(page, 'detail');

  // The hub has it: the resident's own copy shows the new status and the reply.
  const mine = await (await fetch(`${url}/v1/reports/${reportId}`, { headers: { Authorization: `Bearer ${token}` } })).json();
  assert.equal(mine.status, 'accepted');
  assert.ok(mine.events.some((e) => e.text === '物业今天下午来修'), JSON.stringify(mine.events));

  // The same screens in English.
  await page.getByTestId('lang').selectOption('en-US');
  assert.equal(await page.getByTestId('detail-status').textContent(), msg('en-US', 'console-status-accepted'));
  await axe(page, 'detail-en');

  // Signing out ends the session on the hub.
  await page.getByTestId('sign-out').click();
  await page.getByTestId('staff-id').waitFor();
  const cookies = await context.cookies();
  assert.ok(!cookies.some((c) => c.name === 'linli_staff' && c.value), JSON.stringify(cookies));
  await context.close();
});
