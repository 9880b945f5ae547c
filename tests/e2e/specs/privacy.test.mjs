// The resident's rights in the real app: the privacy notice gates joining (an explicit choice), stays readable in
// settings, the copy of my data is written to a file, and closing the account wipes the device, returns the app
// to the start of joining, and the hub refuses the old token.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { World, agreeToPrivacy, join, waitFor } from '../harness.mjs';

const exec = promisify(execFile);

let world;
let app;
let exportDir;
before(async () => {
  world = await World.create('privacy');
  exportDir = await mkdtemp(path.join(os.tmpdir(), 'linli-e2e-export-'));
  app = await world.launchApp({ privacy: 'ask', env: { LINLI_EXPORT_DIR: exportDir } });
});
after(async () => {
  await world?.cleanup();
});

/** A setting of the app's profile database (read with the sqlite3 command; the app keeps running). */
async function profileSetting(key) {
  const { stdout } = await exec('sqlite3', [path.join(world.profileDir, 'linli.db'), `SELECT value FROM settings WHERE key = '${key}'`]);
  return stdout.trim();
}

test('joining waits for an explicit agreement to the privacy notice', async () => {
  await app.byTestId('privacy-agree', { visible: true, timeout: 30_000 });
  assert.equal(await app.exists('join-code'), false, 'the notice comes before joining');
  const notice = await app.byTestId('privacy-notice');
  assert.equal(await notice.getAttribute('data-version'), '1');
  const text = await notice.getText();
  for (const words of ['两年', '立即', '日志', '注销']) assert.ok(text.includes(words), `the notice says ${words}`);
  await app.screenshot('privacy-consent');
  await app.click('privacy-decline');
  await app.byTestId('privacy-required', { visible: true });
  assert.equal(await app.exists('join-code'), false, 'no join without agreeing');
  // In English too.
  await app.click('lang-en');
  await waitFor(async () => (await app.htmlLang()) === 'en-US', { message: 'English' });
  assert.match(await (await app.byTestId('privacy-notice')).getText(), /two years after it is resolved/);
  await app.click('lang-zh');
  await waitFor(async () => (await app.htmlLang()) === 'zh-CN', { message: 'Chinese' });
  // Agreeing waits for the notice to go before joining looks for the next screen (it may still be on screen
  // for a moment after the click).
  await agreeToPrivacy(app);
  await join(app, world.codes[0].code);
  assert.equal(await profileSetting('privacy_version'), '1');
});

test('settings show the notice and save a copy of my data to a file', async () => {
  await waitFor(async () => (await app.syncStatus()).state === 'idle', { message: 'first sync', timeout: 30_000 });
  await app.go('settings');
  await app.byTestId('settings-privacy-agreed', { visible: true });
  const details = await app.byTestId('settings-privacy-notice');
  await details.findElement({ css: 'summary' }).click();
  assert.ok((await (await app.byTestId('privacy-notice')).getText()).includes('两年'));
  await app.click('settings-export');
  const saved = await app.byTestId('settings-export-path', { visible: true, timeout: 30_000 });
  const file = await saved.getAttribute('data-path');
  assert.equal(path.dirname(file), exportDir);
  const bytes = await readFile(file);
  assert.equal(bytes.subarray(0, 2).toString(), 'PK', 'a zip');
  assert.ok(bytes.includes(Buffer.from('linli-export/profile.json')));
  assert.ok((await stat(file)).size > 0);
  assert.deepEqual((await readdir(exportDir)).filter((f) => f.endsWith('.part')), []);
  // The hub logged the export for the data officer.
  const log = await world.hub.adminJson('access-log', 'list');
  assert.ok(log.some((e) => e.action === 'export'), JSON.stringify(log));
});

test('a device that agreed to an older notice is asked again on start', async () => {
  await app.quit();
  await exec('sqlite3', [path.join(world.profileDir, 'linli.db'), "UPDATE settings SET value = '0' WHERE key = 'privacy_version'"]);
  app = await world.launchApp({ privacy: 'ask', env: { LINLI_EXPORT_DIR: exportDir } });
  await app.byTestId('privacy-changed', { visible: true, timeout: 30_000 });
  assert.equal(await app.exists('nav-home'), false);
  await app.click('privacy-agree');
  await app.byTestId('nav-home', { visible: true, timeout: 30_000 });
  assert.equal(await profileSetting('privacy_version'), '1');
  await app.go('settings');
});

test('closing the account says what happens, wipes the device and the hub refuses the old token', async () => {
  const user = await profileSetting('keychain_user');
  assert.ok(user, 'a keychain entry exists');
  const { stdout: token } = await exec('secret-tool', ['lookup', 'service', 'linli', 'username', user]);
  assert.ok(token.trim(), 'the token is in the keychain');
  const me = async () => (await fetch(`${world.hub.url}/v1/me`, { headers: { authorization: `Bearer ${token.trim()}` } })).status;
  assert.equal(await me(), 200);

  await app.click('settings-close-account');
  const confirm = await app.text('settings-close-account-text');
  for (const words of ['无法恢复', '照片', '退出', '保留']) assert.ok(confirm.includes(words), `the confirmation says ${words}`);
  await app.click('settings-close-account-cancel');
  assert.equal(await app.exists('settings-close-account-text'), false, 'cancel keeps everything');
  await app.click('settings-close-account');
  await app.click('settings-close-account-confirm');

  // Back to the start of joining: the notice first (this device forgot the agreement too), then the join screen.
  await app.byTestId('privacy-agree', { visible: true, timeout: 30_000 });
  assert.equal(await app.exists('nav-home'), false);
  assert.equal(await me(), 401, 'the hub refuses the old token');
  const lookup = await exec('secret-tool', ['lookup', 'service', 'linli', 'username', user]).catch((e) => e);
  assert.ok(!lookup.stdout?.trim(), 'the keychain entry is gone');
  assert.equal(await profileSetting('keychain_user'), '', 'a new, empty database');
  assert.equal(await profileSetting('device_id'), '');
  await app.click('privacy-agree');
  await app.byTestId('join-code', { visible: true });
  await app.screenshot('privacy-after-close');
});
