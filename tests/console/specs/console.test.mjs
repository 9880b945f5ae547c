// The staff console in Debian's Chromium against a real `linli-hub serve` on a free port with the demo
// community in a temp dir: a first password from the one-time link, a wrong then the right password, a
// resident's report (made over the sync API) in the inbox, accepting it with a reply, and the resident's
// copy on the hub showing the new status. axe-core checks each screen; screenshots at 390 and 1280 px go
// to target/screenshots/console-*.png. A second test dispatches a report to 物业, which signs for it and
// resolves it, and a grid worker of another building never sees it. Then sign-in's defences: a member
// enrols an authenticator on the account screen (the test computes each code from the secret the screen
// showed), signs out everywhere, and signs in again through the code step; and five wrong passwords show
// the lockout message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import * as H from '../harness.mjs';
import { HUB_BIN, COMMUNITY, PASSWORD, run, msg, errorMsg, uuidv7, axe, shots } from '../harness.mjs';

let h, dir, url, browser;
const staffMember = (...a) => H.staffMember(h, ...a);
const residentReport = (...a) => H.residentReport(h, ...a);
const signedIn = (...a) => H.signedIn(h, ...a);

before(async () => {
  h = await H.startHub();
  ({ dir, url, browser } = h);
});

after(async () => {
  await h?.stop();
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

test('a report is dispatched to 物业, which signs for it and resolves it; a grid worker elsewhere never sees it', async () => {
  const head = await staffMember('王主任', 'head');
  const unit = await staffMember('物业', 'unit');
  const grid = await staffMember('钱网格员', 'grid', '2号楼');
  const text = '1号楼垃圾桶满了没人清';
  const { reportId, token } = await residentReport('102', text);
  const mine = async () =>
    (await fetch(`${url}/v1/reports/${reportId}`, { headers: { Authorization: `Bearer ${token}` } })).json();

  // The head dispatches it to 物业 with the category's default time limit, and leaves a note.
  const office = await signedIn(head);
  let page = office.page;
  const item = page.locator(`[data-report-id="${reportId}"]`);
  await item.click();
  await page.getByTestId('unassigned').waitFor();
  await page.getByTestId('open-dispatch').click();
  await page.getByTestId('dispatch-dialog').waitFor();
  await page.getByTestId('assignee').selectOption({ label: '物业' });
  await axe(page, 'dispatch-dialog');
  await shots(page, 'dispatch-dialog');
  await page.getByTestId('dispatch-submit').click();
  await page.getByTestId('assigned').waitFor();
  assert.ok((await page.getByTestId('assigned').textContent()).includes('物业'));
  assert.equal(await page.getByTestId('notice').textContent(), msg('zh-CN', 'console-dispatched'));
  const note = '居民白天上班，晚上七点后电话';
  await page.getByTestId('note-text').fill(note);
  await page.getByTestId('add-note').click();
  await page.getByTestId('note').waitFor();
  assert.ok((await page.getByTestId('note').textContent()).includes(note));
  await axe(page, 'dispatched');
  await shots(page, 'dispatched');
  // Nothing is overdue yet: the filter empties the inbox.
  await page.getByTestId('filter-overdue').check();
  await page.getByTestId('inbox-empty').waitFor();
  await axe(page, 'inbox-overdue');
  await page.getByTestId('lang').selectOption('en-US');
  await axe(page, 'inbox-overdue-en');
  await office.context.close();

  // The resident's copy names the unit and the promised date, and never the note.
  let copy = await mine();
  assert.equal(copy.handling?.unit, '物业', JSON.stringify(copy));
  assert.equal(copy.handling.signed, false);
  assert.ok(!JSON.stringify(copy).includes(note));

  // 物业 sees it, signs for it and resolves it.
  const property = await signedIn(unit);
  page = property.page;
  await page.locator(`[data-report-id="${reportId}"]`).click();
  await page.getByTestId('sign').click();
  await page.getByTestId('signed').waitFor();
  assert.equal(await page.getByTestId('notice').textContent(), msg('zh-CN', 'console-signed-notice'));
  await axe(page, 'unit-signed');
  await shots(page, 'unit-signed');
  await page.getByTestId('new-status').selectOption('resolved');
  await page.getByTestId('reply').fill('已清运');
  await page.getByTestId('change-status').click();
  await page.locator('[data-testid="detail-status"]', { hasText: msg('zh-CN', 'console-status-resolved') }).waitFor();
  await property.context.close();
  copy = await mine();
  assert.equal(copy.status, 'resolved');
  assert.equal(copy.handling.signed, true);

  // A grid worker of 2号楼 has nothing from 1号楼 in the inbox.
  const walker = await signedIn(grid);
  page = walker.page;
  await page.getByTestId('inbox-empty').waitFor();
  assert.equal(await page.locator(`[data-report-id="${reportId}"]`).count(), 0);
  await axe(page, 'grid-inbox');
  await walker.context.close();
});

/** RFC 6238 (HMAC-SHA1, 30 s, 6 digits) from a base32 secret, as an authenticator app computes it. */
function totp(secret, at = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of secret) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const o = mac[19] & 0x0f;
  return String((mac.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

test('a member enrols an authenticator, signs out everywhere, and signs in with password and code', async () => {
  const staffId = await staffMember('周社工', 'head');
  const { context, page } = await signedIn(staffId);
  await page.getByTestId('open-account').click();
  await page.getByTestId('account').waitFor();
  assert.equal(await page.getByTestId('totp-state').textContent(), msg('zh-CN', 'console-totp-is-off'));
  await axe(page, 'account');
  await page.getByTestId('totp-begin').click();
  await page.getByTestId('totp-secret').waitFor();
  // The code field has the focus, ready for the first code.
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'totp-confirm-code');
  const secret = (await page.getByTestId('totp-secret').textContent()).trim();
  const uri = await page.getByTestId('totp-uri').textContent();
  assert.match(secret, /^[A-Z2-7]{32}$/);
  assert.ok(uri.startsWith('otpauth://totp/') && uri.includes(`secret=${secret}`), uri);
  await axe(page, 'account-enrol');
  await shots(page, 'account-enrol');
  // A wrong code is announced and leaves it off.
  const right = totp(secret);
  await page.getByTestId('totp-confirm-code').fill(right === '000000' ? '111111' : '000000');
  await page.getByTestId('totp-confirm').click();
  await page.getByTestId('error').waitFor();
  assert.equal(await page.getByTestId('error').getAttribute('role'), 'alert');
  assert.equal(await page.getByTestId('error').textContent(), errorMsg('zh-CN', 'error-staff-totp-invalid'));
  await page.getByTestId('totp-confirm-code').fill(right);
  await page.getByTestId('totp-confirm').click();
  await page.getByTestId('notice').waitFor();
  assert.equal(await page.getByTestId('notice').textContent(), msg('zh-CN', 'console-totp-on'));
  assert.equal(await page.getByTestId('totp-state').textContent(), msg('zh-CN', 'console-totp-is-on'));
  await axe(page, 'account-totp-on');
  await shots(page, 'account');
  await page.getByTestId('lang').selectOption('en-US');
  assert.equal(await page.getByTestId('totp-state').textContent(), msg('en-US', 'console-totp-is-on'));
  await axe(page, 'account-en');
  await page.getByTestId('lang').selectOption('zh-CN');

  // A second browser signed in before; signing out everywhere ends both.
  const other = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const otherPage = await other.newPage();
  await otherPage.goto(`${url}/console/`);
  await otherPage.getByTestId('staff-id').fill(staffId);
  await otherPage.getByTestId('password').fill(PASSWORD);
  await otherPage.getByTestId('sign-in').click();
  await otherPage.getByTestId('code').waitFor();
  // The code the app shows next (the one just used is spent): within the hub's one-step window.
  const usedAt = Date.now() + 30_000;
  const used = totp(secret, usedAt);
  await otherPage.getByTestId('code').fill(used);
  await otherPage.getByTestId('sign-in-code').click();
  await otherPage.getByTestId('who').waitFor();
  await page.getByTestId('sign-out-everywhere').click();
  await page.getByTestId('staff-id').waitFor();
  assert.equal(await page.getByTestId('notice').textContent(), msg('zh-CN', 'console-signed-out-everywhere'));
  await otherPage.getByTestId('filter').selectOption('accepted');
  await otherPage.getByTestId('staff-id').waitFor();
  await other.close();

  // Signing in now takes the code, as a second step with the focus on its field.
  await page.getByTestId('staff-id').fill(staffId);
  await page.getByTestId('password').fill(PASSWORD);
  await page.getByTestId('sign-in').click();
  await page.getByTestId('code').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'code');
  await axe(page, 'sign-in-code');
  await shots(page, 'sign-in-code');
  // The code already used is refused; a fresh one signs in.
  await page.getByTestId('code').fill(used);
  await page.getByTestId('sign-in-code').click();
  await page.getByTestId('error').waitFor();
  assert.equal(await page.getByTestId('error').textContent(), errorMsg('zh-CN', 'error-staff-totp-invalid'));
  await page.getByTestId('lang').selectOption('en-US');
  await axe(page, 'sign-in-code-en');
  await page.getByTestId('lang').selectOption('zh-CN');
  // The next step's code: wait for the clock to reach the step after the spent one.
  const spent = Math.floor(usedAt / 30_000);
  while (Math.floor(Date.now() / 30_000) < spent) await new Promise((r) => setTimeout(r, 500));
  await page.getByTestId('code').fill(totp(secret, Date.now() + 30_000));
  await page.getByTestId('sign-in-code').click();
  await page.getByTestId('who').waitFor();
  await context.close();
});

test('five wrong passwords show the lockout message, even for the right one', async () => {
  const staffId = await staffMember('吴社工', 'head');
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${url}/console/`);
  await page.getByTestId('staff-id').fill(staffId);
  for (let i = 0; i < 5; i++) {
    await page.getByTestId('password').fill(`wrong password ${i}`);
    await page.getByTestId('sign-in').click();
    await page.locator('[data-testid="error"]', { hasText: errorMsg('zh-CN', 'error-staff-sign-in-failed') }).waitFor();
    await page.waitForFunction(() => !document.querySelector('[data-testid="sign-in"]')?.disabled);
  }
  await page.getByTestId('password').fill(PASSWORD);
  await page.getByTestId('sign-in').click();
  await page.locator('[data-testid="error"]', { hasText: errorMsg('zh-CN', 'error-staff-locked') }).waitFor();
  assert.equal(await page.getByTestId('error').getAttribute('role'), 'alert');
  await axe(page, 'sign-in-locked');
  await shots(page, 'sign-in-locked');
  await page.getByTestId('lang').selectOption('en-US');
  await page.getByTestId('password').fill(PASSWORD);
  await page.getByTestId('sign-in').click();
  await page.locator('[data-testid="error"]', { hasText: errorMsg('en-US', 'error-staff-locked') }).waitFor();
  await context.close();
});
