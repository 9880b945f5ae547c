// What every staff-console test shares: a real `linli-hub serve` with the demo community in a temp dir on a
// free port, Debian's Chromium, messages read from the Fluent files, axe-core, screenshots at a phone's and
// a desk's width, and the set-up steps (a staff member with a password, a resident's report over the sync
// API, a signed-in browser page).
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';

export const ROOT = resolve(import.meta.dirname, '../..');
export const TARGET = process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target');
export const HUB_BIN = process.env.LINLI_HUB_BIN ?? join(TARGET, 'debug', 'linli-hub');
export const SHOTS = join(TARGET, 'screenshots');
export const COMMUNITY = '幸福里社区';
export const PASSWORD = 'a long enough password';
export const run = promisify(execFile);

const messages = (lang) => readFileSync(join(ROOT, 'locales', lang, 'console.ftl'), 'utf8');
/** A message's text straight from the Fluent file (the console's strings are plain, no placeables here). */
export const msg = (lang, id) => {
  const line = messages(lang).split('\n').find((l) => l.startsWith(`${id} =`));
  assert.ok(line, `${id} in ${lang}`);
  return line.slice(id.length + 3).trim();
};
export const errorMsg = (lang, id) => {
  const text = readFileSync(join(ROOT, 'locales', lang, 'errors.ftl'), 'utf8');
  return text.split('\n').find((l) => l.startsWith(`${id} =`)).slice(id.length + 3).trim();
};

export function freePort() {
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
export function uuidv7() {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  const ms = BigInt(Date.now());
  for (let i = 0; i < 6; i++) b[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export async function axe(page, screen) {
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
export async function shots(page, screen) {
  for (const [w, h] of [[390, 844], [1280, 800]]) {
    await page.setViewportSize({ width: w, height: h });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    assert.ok(wide <= w, `${screen} at ${w} px is ${wide} px wide`);
    await page.screenshot({ path: join(SHOTS, `console-${screen}-${w}.png`), fullPage: true });
  }
}

/** Starts a hub on the demo street in a fresh temp dir, and Chromium; `stop()` ends both. */
export async function startHub() {
  mkdirSync(SHOTS, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'linli-console-'));
  await run(HUB_BIN, ['demo', '--data-dir', dir]);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const hub = spawn(HUB_BIN, ['serve', '--data-dir', dir, '--listen', `127.0.0.1:${port}`], { stdio: 'ignore' });
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {}
    if (i > 200) throw new Error('hub did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  const stop = async () => {
    await browser.close();
    hub.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  return { dir, url, hub, browser, stop };
}

/** A staff member registered through the binary with a role, their first password set through the link. */
export async function staffMember({ dir, url }, name, role, buildings) {
  const args = ['admin', '--data-dir', dir, '--community', COMMUNITY, 'staff', 'add', '--name', name, '--role', role];
  if (buildings) args.push('--buildings', buildings);
  const added = await run(HUB_BIN, args);
  const link = added.stderr.match(/\/console\/#setup=([0-9a-f]{64})/);
  assert.ok(link, `a setup link in: ${added.stderr}`);
  const set = await fetch(`${url}/v1/staff/password`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ link: link[1], password: PASSWORD }),
  });
  assert.equal(set.status, 204);
  return added.stdout.trim();
}

/** A resident of `room` in 1号楼 1单元 makes a report over the sync API; returns its id and the token. */
export async function residentReport({ dir, url }, room, text, category = 'environment') {
  const invited = await run(HUB_BIN, ['admin', '--data-dir', dir, '--community', COMMUNITY, 'invite', '--building', '1号楼', '--unit', '1单元', '--room', room]);
  const code = invited.stdout.match(/[A-Z0-9]{4}-[A-Z0-9]{4}/)?.[0];
  assert.ok(code, 'an invitation code');
  const joined = await (await fetch(`${url}/v1/join`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ code, device_name: 'e2e', privacy_version: 1 }),
  })).json();
  const reportId = uuidv7();
  const pushed = await (await fetch(`${url}/v1/push`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${joined.token}` },
    body: JSON.stringify({
      ops: [{ id: uuidv7(), device_seq: 1, created_at: new Date().toISOString(), on_behalf_of: null,
        body: { type: 'create_report', report_id: reportId, category, text } }],
    }),
  })).json();
  assert.equal(pushed.results[0].status, 'applied', JSON.stringify(pushed));
  return { reportId, token: joined.token };
}

export async function signedIn({ url, browser }, staffId) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${url}/console/`);
  await page.getByTestId('staff-id').fill(staffId);
  await page.getByTestId('password').fill(PASSWORD);
  await page.getByTestId('sign-in').click();
  await page.getByTestId('who').waitFor();
  return { context, page };
}
