// Joining from a printed slip: the app started with `linli://join?hub=…&code=…` on its command line (as the
// desktop entry's `linli-app %u` passes it) asks the display question and shows the privacy notice as usual,
// then opens Join with both fields filled from the link; pressing 加入 joins the real hub's household. A second
// start with a link hands it to the running app (single-instance) and ends, and the running app says it is
// already joined. A malformed link at start (a hub that is not http(s)) and a foreign one handed over later are
// refused plainly in the resident's language, with nothing filled in. axe-core finds nothing on these screens.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { APP_BIN, World, waitFor } from '../harness.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
/** The Join screen's own default, so a filled hub field can only have come from the link. */
const NOT_THE_HUB = 'http://127.0.0.1:9';

let world;
let app;
let devicesBefore;
before(async () => {
  world = await World.create('join-link');
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

function slipLink(hub, code) {
  return `linli://join?hub=${encodeURIComponent(hub)}&code=${encodeURIComponent(code)}`;
}

/** Starts the app binary a second time on the running app's profile; resolves with its exit code. */
function secondStart(link) {
  const env = { ...process.env, LINLI_PROFILE_DIR: world.profileDir, LINLI_HUB_URL: NOT_THE_HUB };
  const child = spawn(APP_BIN, [link], { env, stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error('the second start did not hand its link over and end within 30 s'));
    }, 30_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

async function value(testId) {
  return app.driver.executeScript('return arguments[0].value', await app.byTestId(testId));
}

test("a slip's link fills Join after the display and privacy steps, and joins the household", async () => {
  // The slip's code as a resident might see it typed into a link: lower case, no dash.
  const code = world.codes[0].code;
  const typed = code.replace('-', '').toLowerCase();
  // The demo community has devices of its own: count this one on top of them.
  devicesBefore = (await world.hub.adminJson('devices', 'list')).length;
  app = await world.launchApp({ args: [slipLink(world.hub.url, typed)], env: { LINLI_HUB_URL: NOT_THE_HUB } });
  // launchApp answered the display question and agreed to the privacy notice: Join comes next, filled.
  await app.byTestId('join-link-filled', { visible: true, timeout: 30_000 });
  assert.equal(await value('join-hub'), world.hub.url);
  assert.equal(await value('join-code'), code);
  assert.match(await app.text('join-link-filled'), /已按邀请单上的链接填好/);
  assert.deepEqual(await axe(), []);
  await app.screenshot('join-link-filled');

  await app.click('join-submit');
  await app.byTestId('nav-home', { visible: true, timeout: 30_000 });
  await app.byTestId('home-unread-count', { timeout: 30_000 });
  const devices = await world.hub.adminJson('devices', 'list');
  assert.equal(devices.length, devicesBefore + 1, 'this device joined the hub');
});

test('a second start hands its link to the running app, which is already joined and says so', async () => {
  assert.equal(await secondStart(slipLink(world.hub.url, world.codes[1].code)), 0);
  const notice = await app.byTestId('link-notice', { visible: true });
  assert.equal(await app.text(await notice.findElement({ css: 'p' })), '这台设备已经加入社区了，没有再使用这个加入链接。');
  assert.deepEqual(await axe(), []);
  await app.click('link-notice-dismiss');
  await waitFor(async () => !(await app.exists('link-notice')), { message: 'the notice to go' });
  assert.equal((await world.hub.adminJson('devices', 'list')).length, devicesBefore + 1, 'the second code was not spent');
});

test('a malformed link is refused plainly with nothing filled in; a foreign one handed over later too', async () => {
  await app.quit();
  world.profileDir = path.join(world.dir, 'profile-2');
  await mkdir(world.profileDir, { recursive: true });
  app = await world.launchApp({
    args: [`linli://join?hub=${encodeURIComponent('ftp://hub.example.org')}&code=${world.codes[1].code}`],
    env: { LINLI_HUB_URL: NOT_THE_HUB },
  });
  const error = await app.byTestId('join-link-error', { visible: true, timeout: 30_000 });
  assert.equal(await error.getAttribute('data-reason'), 'bad_hub');
  assert.match(await app.text(error), /社区服务地址不对（应以 http:\/\/ 或 https:\/\/ 开头）/);
  assert.equal(await value('join-code'), '');
  assert.equal(await value('join-hub'), NOT_THE_HUB);
  assert.equal(await app.exists('join-link-filled'), false);
  assert.deepEqual(await axe(), []);
  await app.screenshot('join-link-refused');

  await app.click('lang-en');
  await waitFor(async () => (await app.htmlLang()) === 'en-US', { message: '<html lang> = en-US' });
  assert.equal(await secondStart('https://evil.example/join?hub=https://evil.example&code=ABCD-EFGH'), 0);
  await waitFor(async () => (await (await app.byTestId('join-link-error')).getAttribute('data-reason')) === 'foreign', {
    message: 'the foreign link refused',
  });
  assert.equal(
    await app.text('join-link-error'),
    "This link is not a Linli join link, so it was not used. Scan the QR code on the office's invitation slip, or type the invitation code.",
  );
  assert.equal(await value('join-code'), '');
  assert.deepEqual(await axe(), []);
  await app.click('lang-zh');
});
