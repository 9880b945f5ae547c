// axe-core (WCAG 2.0/2.1/2.2 A and AA rules) run inside the real app's WebView on every main screen, in both
// languages: no violations allowed.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { World, join, waitFor } from '../harness.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
const SCREENS = ['home', 'notices', 'report', 'reports', 'consultations', 'proxies', 'settings'];

let world;
let app;
before(async () => {
  world = await World.create('a11y');
  app = await world.launchApp({ privacy: 'ask' });
});
after(async () => {
  await world?.cleanup();
});

async function axe() {
  // Loaded through WebDriver rather than a <script> element: the app's CSP rightly refuses inline scripts.
  if (!(await app.driver.executeScript('return !!window.axe'))) {
    await app.driver.executeScript(`${AXE_SOURCE}\n;return !!window.axe;`);
  }
  const result = await app.driver.executeAsyncScript(
    `const done = arguments[arguments.length - 1];
     window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } })
       .then((r) => done(r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }))))
       .catch((e) => done([{ id: 'axe-error', impact: String(e), nodes: [] }]));`,
  );
  return result;
}

test('the privacy notice before joining has no WCAG A/AA violations', async () => {
  await app.byTestId('privacy-agree', { visible: true, timeout: 30_000 });
  assert.deepEqual(await axe(), []);
  await app.click('privacy-agree');
});

test('the join screen has no WCAG A/AA violations', async () => {
  await app.byTestId('join-code', { visible: true, timeout: 30_000 });
  assert.deepEqual(await axe(), []);
});

for (const lang of ['zh-CN', 'en-US']) {
  test(`every main screen has no WCAG A/AA violations (${lang})`, async () => {
    if (!(await app.exists('nav-home'))) {
      await join(app, world.codes[0].code);
      await waitFor(async () => (await app.syncStatus()).state === 'idle', { message: 'first sync', timeout: 30_000 });
    }
    await app.go('settings');
    const select = await app.byTestId('settings-language', { visible: true });
    await select.findElement({ css: `option[value="${lang}"]` }).click();
    await waitFor(async () => (await app.htmlLang()) === lang, { message: lang });
    const found = {};
    for (const screen of SCREENS) {
      await app.go(screen);
      await app.driver.sleep(300);
      // Settings holds the privacy notice folded away: check it open.
      await app.driver.executeScript("const d = document.querySelector('[data-testid=settings-privacy-notice]'); if (d) d.open = true;");
      const v = await axe();
      if (v.length) found[screen] = v;
    }
    assert.deepEqual(found, {}, JSON.stringify(found, null, 2));
  });
}

test('the check itself catches a violation (an image without alt text added to the page)', async () => {
  await app.driver.executeScript(
    "const i = document.createElement('img'); i.id = 'axe-probe'; i.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw='; document.body.appendChild(i);",
  );
  try {
    const ids = (await axe()).map((v) => v.id);
    assert.ok(ids.includes('image-alt'), `axe found: ${ids}`);
  } finally {
    await app.driver.executeScript("document.getElementById('axe-probe')?.remove()");
  }
});

test('every main screen reflows at 320 px and survives the WCAG 1.4.12 text-spacing overrides', async () => {
  await app.setSize({ width: 320, height: 780 });
  await app.driver.executeScript(`
    const s = document.createElement('style'); s.id = 'spacing-probe';
    s.textContent = '* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }';
    document.head.appendChild(s);`);
  const found = {};
  try {
    for (const screen of SCREENS) {
      await app.go(screen);
      await app.driver.sleep(300);
      const problems = await app.driver.executeScript(`
        const out = [];
        if (document.documentElement.scrollWidth > window.innerWidth) out.push('page ' + document.documentElement.scrollWidth + ' > ' + window.innerWidth);
        for (const el of document.body.querySelectorAll('*')) {
          const cs = getComputedStyle(el);
          const clips = ['hidden', 'clip'];
          if (!clips.includes(cs.overflowX) && !clips.includes(cs.overflowY)) continue;
          if (el.closest('[aria-hidden="true"], .skip, .bar')) continue;
          if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) out.push('clipped ' + el.tagName + '.' + el.className);
        }
        return out;`);
      if (problems.length) found[screen] = problems;
    }
  } finally {
    await app.driver.executeScript("document.getElementById('spacing-probe')?.remove()");
    await app.setSize({ width: 1280, height: 800 });
  }
  assert.deepEqual(found, {}, JSON.stringify(found, null, 2));
});
