// The end-to-end harness: a real `linli-hub` on a free port with the demo community in a temp dir, and the real
// `linli-app` binary driven through tauri-driver (WebKitWebDriver), with its profile in the same temp dir.
// Every process started here is stopped again, also when a test fails or the run is interrupted.

import { spawn, execFile } from 'node:child_process';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync, createWriteStream } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Builder, By, Capabilities } from 'selenium-webdriver';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '..', '..');
export const TARGET_DIR = process.env.CARGO_TARGET_DIR
  ? path.resolve(process.env.CARGO_TARGET_DIR)
  : path.join(REPO, 'target');
export const BIN_DIR = path.join(TARGET_DIR, 'debug');
export const HUB_BIN = path.join(BIN_DIR, 'linli-hub');
export const APP_BIN = path.join(BIN_DIR, 'linli-app');
export const CLI_BIN = path.join(BIN_DIR, 'linli');
export const SCREENSHOT_DIR = path.join(TARGET_DIR, 'screenshots');

/** Generous default: a sync round after a hub restart can take several seconds on a loaded 2-core machine. */
export const DEFAULT_TIMEOUT = 20_000;

export const PHONE = { width: 360, height: 780 };
export const DESKTOP = { width: 1280, height: 800 };

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------------------
// Processes: every child is remembered so an interrupted run still stops it.

const children = new Set();

function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function stopAllSync() {
  for (const child of children) {
    try {
      child.kill('SIGTERM');
    } catch {
      /* already gone */
    }
  }
}
process.once('exit', stopAllSync);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    stopAllSync();
    process.exit(130);
  });
}

function exited(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** SIGTERM, then wait; SIGKILL only if `allowKill` and the process ignores SIGTERM for `graceMs`. */
async function terminate(child, { graceMs = 10_000, allowKill = true } = {}) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  let timer;
  const grace = new Promise((r) => {
    timer = setTimeout(() => r(false), graceMs);
  });
  const done = await Promise.race([exited(child).then(() => true), grace]);
  clearTimeout(timer);
  if (!done && allowKill) {
    child.kill('SIGKILL');
    await exited(child);
  }
}

/** The app processes still running on `profileDir` (Linux: read from /proc). */
async function appPids(profileDir) {
  const pids = [];
  for (const name of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const env = await readFile(`/proc/${name}/environ`, 'utf8');
      const cmd = await readFile(`/proc/${name}/cmdline`, 'utf8');
      if (cmd.startsWith(APP_BIN) && env.split('\0').includes(`LINLI_PROFILE_DIR=${profileDir}`)) pids.push(Number(name));
    } catch {
      /* the process ended meanwhile, or is not ours to read */
    }
  }
  return pids;
}

async function endOrphanedApp(profileDir) {
  for (const signal of ['SIGTERM', 'SIGKILL']) {
    const pids = await appPids(profileDir);
    if (pids.length === 0) return;
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
      } catch {
        /* already gone */
      }
    }
    await sleep(2000);
  }
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export function run(bin, args, { env } = {}) {
  return new Promise((resolve, reject) => {
    execFile(bin, args, { env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        err.message = `${path.basename(bin)} ${args.join(' ')} failed: ${err.message}\n${stderr}`;
        reject(err);
      } else resolve({ stdout, stderr });
    });
  });
}

/** Polls `fn` until it returns a truthy value (returned) or the timeout passes (throws with the last error). */
export async function waitFor(fn, { timeout = DEFAULT_TIMEOUT, interval = 200, message = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  let lastError;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const why = lastError ? ` (last error: ${lastError.message.split('\n')[0]})` : '';
      throw new Error(`timed out after ${timeout} ms waiting for ${message}${why}`);
    }
    await sleep(interval);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The hub

export class Hub {
  constructor(dataDir, port, logPath) {
    this.dataDir = dataDir;
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    this.logPath = logPath;
    this.proc = null;
  }

  /** Seeds the demo community; returns the invitation codes as [{ code, address }]. */
  async demo() {
    const { stdout } = await run(HUB_BIN, ['demo', '--data-dir', this.dataDir]);
    return parseDemoCodes(stdout);
  }

  async healthy() {
    try {
      const res = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(1000) });
      return res.ok;
    } catch {
      return false;
    }
  }

  async start() {
    if (this.proc) throw new Error('hub already running');
    const log = createWriteStream(this.logPath, { flags: 'a' });
    const proc = track(
      spawn(HUB_BIN, ['serve', '--data-dir', this.dataDir, '--listen', `127.0.0.1:${this.port}`], {
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    proc.stdout.pipe(log);
    proc.stderr.pipe(log);
    this.proc = proc;
    await waitFor(
      async () => {
        if (proc.exitCode !== null) throw new Error(`hub exited with ${proc.exitCode}; see ${this.logPath}`);
        return this.healthy();
      },
      { timeout: 20_000, message: `hub /healthz on ${this.url}` },
    );
  }

  async stop() {
    const proc = this.proc;
    this.proc = null;
    await terminate(proc, { graceMs: 10_000, allowKill: true });
    await waitFor(async () => !(await this.healthy()), { timeout: 10_000, message: 'hub to stop answering' });
  }

  /** The staff member (the office's data officer) admin commands act as; registered on first use. */
  async staffId() {
    if (!this.staff) {
      const { stdout } = await run(HUB_BIN, ['admin', '--data-dir', this.dataDir, '--community', DEMO_COMMUNITY, 'staff', 'add', '--name', 'E2E', '--data-officer']);
      this.staff = stdout.trim();
    }
    return this.staff;
  }

  /** Runs `linli-hub admin --data-dir D --staff S ...args` (as the test's staff member); returns stdout. */
  async admin(...args) {
    const staff = await this.staffId();
    const { stdout } = await run(HUB_BIN, ['admin', '--data-dir', this.dataDir, '--staff', staff, '--community', DEMO_COMMUNITY, ...args]);
    return stdout;
  }

  /** Runs an admin command with `--json` appended and parses its answer. */
  async adminJson(...args) {
    return JSON.parse(await this.admin(...args, '--json'));
  }
}

/** The demo street's first community, where the e2e residents live and admin commands act. */
export const DEMO_COMMUNITY = '幸福里社区';

/** Parses `CODE<TAB>community address` lines printed by `linli-hub demo`. */
export function parseDemoCodes(stdout) {
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /^[A-Z0-9]{4}-[A-Z0-9]{4}\t/.test(l))
    .map((l) => {
      const [code, address] = l.split('\t');
      return { code, address };
    });
}

// ---------------------------------------------------------------------------------------------------------------
// The app through tauri-driver

export class App {
  constructor(driver, tauriDriver, profileDir) {
    this.driver = driver;
    this.tauriDriver = tauriDriver;
    this.profileDir = profileDir;
  }

  /** Starts tauri-driver (which starts the app as its child, with our env) and opens a WebDriver session. */
  /** `args`: the app's command line after its path (e.g. a `linli://join?…` link, as the desktop entry passes it). */
  static async launch({ profileDir, hubUrl, lang, logPath, env: extraEnv = {}, args = [] }) {
    if (!existsSync(APP_BIN)) throw new Error(`app binary missing: ${APP_BIN} (cargo build -p linli-app)`);
    const port = await freePort();
    let nativePort = await freePort();
    while (nativePort === port) nativePort = await freePort();
    const env = { ...process.env, LINLI_PROFILE_DIR: profileDir, LINLI_HUB_URL: hubUrl, ...extraEnv };
    if (lang) env.LINLI_LANG = lang;
    const log = createWriteStream(logPath, { flags: 'a' });
    const td = track(
      spawn('tauri-driver', ['--port', String(port), '--native-port', String(nativePort)], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    td.stdout.pipe(log);
    td.stderr.pipe(log);
    const spawnError = new Promise((_, reject) => td.once('error', reject));
    const serverUrl = `http://127.0.0.1:${port}`;
    await Promise.race([
      spawnError,
      waitFor(
        async () => {
          if (td.exitCode !== null) throw new Error(`tauri-driver exited with ${td.exitCode}; see ${logPath}`);
          const res = await fetch(`${serverUrl}/status`, { signal: AbortSignal.timeout(1000) });
          return res.status < 500;
        },
        { timeout: 20_000, message: 'tauri-driver to answer' },
      ),
    ]);
    const caps = new Capabilities();
    caps.setBrowserName('wry');
    caps.set('tauri:options', { application: APP_BIN, args });
    let driver;
    try {
      driver = await new Builder().usingServer(serverUrl).withCapabilities(caps).build();
    } catch (e) {
      await terminate(td, { allowKill: false });
      throw e;
    }
    const app = new App(driver, td, profileDir);
    await app.waitForDocument();
    return app;
  }

  async waitForDocument() {
    await waitFor(
      async () => (await this.driver.executeScript('return document.readyState')) === 'complete',
      { timeout: 30_000, message: 'the app document to load' },
    );
  }

  async quit() {
    try {
      if (this.driver) await this.driver.quit();
    } catch {
      /* the session may already be gone */
    }
    this.driver = null;
    // SIGTERM only: SIGKILL would leave WebKitWebDriver (and the app) running.
    await terminate(this.tauriDriver, { graceMs: 15_000, allowKill: false });
    // Closing the session normally ends the app. When it does not (seen now and then under Xvfb), the orphaned
    // app would hold the log pipe open and keep the test process waiting for ever: end it here.
    await endOrphanedApp(this.profileDir);
  }

  by(testId) {
    return By.css(`[data-testid="${testId}"]`);
  }

  async all(testId) {
    return this.driver.findElements(this.by(testId));
  }

  /** The first element with this data-testid; waits for it to exist. */
  async byTestId(testId, { timeout = DEFAULT_TIMEOUT, visible = false } = {}) {
    return waitFor(
      async () => {
        const els = await this.all(testId);
        for (const el of els) {
          if (!visible || (await el.isDisplayed())) return el;
        }
        return null;
      },
      { timeout, message: `[data-testid="${testId}"]${visible ? ' (visible)' : ''}` },
    );
  }

  async exists(testId) {
    return (await this.all(testId)).length > 0;
  }

  /** Visible text of an element (innerText), trimmed. */
  async text(elOrTestId) {
    const el = typeof elOrTestId === 'string' ? await this.byTestId(elOrTestId) : elOrTestId;
    const t = await this.driver.executeScript('return arguments[0].innerText ?? arguments[0].textContent', el);
    return String(t ?? '').trim();
  }

  async attr(elOrTestId, name) {
    const el = typeof elOrTestId === 'string' ? await this.byTestId(elOrTestId) : elOrTestId;
    return el.getAttribute(name);
  }

  async click(testId, opts) {
    const el = await this.byTestId(testId, { visible: true, ...opts });
    await this.scrollIntoView(el);
    await el.click();
    return el;
  }

  /**
   * Opens a main section the way a resident would at the window's width: its own entry in the bar when it has
   * one there, otherwise through 我的 (at phone widths, my reports, relatives and settings live under it).
   */
  async go(name) {
    const shown = async (id) => {
      for (const el of await this.all(id)) if (await el.isDisplayed()) return el;
      return null;
    };
    const [entry, me] = await waitFor(
      async () => {
        const found = [await shown(`nav-${name}`), await shown('nav-me')];
        return found[0] || found[1] ? found : null;
      },
      { message: `nav-${name} or nav-me` },
    );
    if (entry) {
      await this.scrollIntoView(entry);
      await entry.click();
    } else {
      await me.click();
      await this.click(`me-${name}`);
    }
  }

  /**
   * Opens a list entry (notice-item, report-item, ...): the entry holds a link or button; clicking the entry's
   * centre could miss it on a wide row, so this clicks the link itself.
   */
  async open(el) {
    const target = await this.driver.executeScript(
      "return arguments[0].matches('a,button') ? arguments[0] : arguments[0].querySelector('a,button') || arguments[0]",
      el,
    );
    await this.scrollIntoView(target);
    await target.click();
  }

  async scrollIntoView(el) {
    await this.driver.executeScript('arguments[0].scrollIntoView({block: "center"})', el);
  }

  /** Clicks the element by script (for elements covered by sticky bars at phone width). */
  async jsClick(el) {
    await this.driver.executeScript('arguments[0].click()', el);
  }

  async type(testId, value) {
    const el = await this.byTestId(testId, { visible: true });
    await el.clear();
    await el.sendKeys(value);
    return el;
  }

  async htmlLang() {
    return this.driver.executeScript('return document.documentElement.lang');
  }

  async setSize({ width, height }) {
    await this.driver.manage().window().setRect({ width, height });
    await waitFor(
      async () => {
        const w = await this.driver.executeScript('return window.innerWidth');
        return Math.abs(w - width) <= 20;
      },
      { timeout: 10_000, message: `window width ${width}` },
    );
  }

  /** True when the page scrolls sideways (wider content than the viewport). */
  async horizontalOverflow() {
    return this.driver.executeScript(
      'return {scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth}',
    );
  }

  async screenshot(name) {
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    const png = await this.driver.takeScreenshot();
    const file = path.join(SCREENSHOT_DIR, `${name}.png`);
    await writeFile(file, Buffer.from(png, 'base64'));
    return file;
  }

  /** The sync indicator's state: { state, pending }. */
  async syncStatus() {
    const el = await this.byTestId('sync-status');
    return {
      state: await el.getAttribute('data-state'),
      pending: Number(await el.getAttribute('data-pending')),
    };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// One test file's world: temp dir, hub with the demo community, and (optionally) the app.

export class World {
  static async create(name) {
    const dir = await mkdtemp(path.join(os.tmpdir(), `linli-e2e-${name}-`));
    const w = new World(dir, name);
    await mkdir(w.hubDir, { recursive: true });
    await mkdir(w.profileDir, { recursive: true });
    w.hub = new Hub(w.hubDir, await freePort(), path.join(dir, 'hub.log'));
    w.codes = await w.hub.demo();
    if (w.codes.length === 0) throw new Error('linli-hub demo printed no invitation codes');
    await w.hub.start();
    return w;
  }

  constructor(dir, name) {
    this.dir = dir;
    this.name = name;
    this.hubDir = path.join(dir, 'hub');
    this.profileDir = path.join(dir, 'profile');
    this.hub = null;
    this.app = null;
    this.codes = [];
  }

  /**
   * Starts the app on this world's profile. On a first launch the app asks standard or care mode (关怀模式):
   * `display` answers it ('standard' or 'care'), or 'ask' leaves the question on screen for the test. Then it
   * shows the privacy notice before joining: `privacy` 'agree' agrees, 'ask' leaves it on screen. `args` go on
   * the app's command line.
   */
  async launchApp({ lang, env, args, display = 'standard', privacy = 'agree' } = {}) {
    this.app = await App.launch({
      profileDir: this.profileDir,
      hubUrl: this.hub.url,
      lang,
      env,
      args,
      logPath: path.join(this.dir, 'tauri-driver.log'),
    });
    if (display !== 'ask') await answerFirstLaunch(this.app, display, privacy);
    return this.app;
  }

  /** Stops the app, tauri-driver and the hub; removes the temp dir unless LINLI_E2E_KEEP is set. */
  async cleanup() {
    const errors = [];
    if (this.app) await this.app.quit().catch((e) => errors.push(e));
    if (this.hub) await this.hub.stop().catch((e) => errors.push(e));
    if (!process.env.LINLI_E2E_KEEP) await rm(this.dir, { recursive: true, force: true }).catch(() => {});
    else console.log(`kept ${this.dir}`);
    if (errors.length) throw errors[0];
  }
}

/** The first screen of those that can show after start, by test id. */
async function firstOf(app, ids, message) {
  return waitFor(
    async () => {
      for (const id of ids) if (await app.exists(id)) return id;
      return null;
    },
    { timeout: 30_000, message },
  );
}

/**
 * Answers the first-launch display question if the app asks it (a profile that answered before is not asked),
 * then agrees to the privacy notice if it is shown (unless `privacy` is 'ask').
 */
export async function answerFirstLaunch(app, display, privacy = 'agree') {
  const shown = await firstOf(app, ['care-choice-off', 'privacy-agree', 'join-code', 'nav-home'], 'the first screen');
  if (shown === 'care-choice-off') {
    await app.click(display === 'care' ? 'care-choice-on' : 'care-choice-off');
    await waitFor(async () => !(await app.exists('care-choice-off')), { message: 'the display choice to be taken' });
  }
  if (privacy === 'agree') await agreeToPrivacy(app);
}

/** Agrees to the privacy notice when it is on screen (before joining, or after it changed). */
export async function agreeToPrivacy(app) {
  const shown = await firstOf(app, ['privacy-agree', 'join-code', 'nav-home'], 'the privacy notice or what follows it');
  if (shown === 'privacy-agree') {
    await app.click('privacy-agree');
    await waitFor(async () => !(await app.exists('privacy-agree')), { message: 'the privacy notice to be agreed to' });
  }
}

/** Joins with the first demo code through the Join screen and waits for the home screen. */
export async function join(app, code) {
  await agreeToPrivacy(app);
  await app.byTestId('join-code', { visible: true, timeout: 30_000 });
  const hubInput = await app.byTestId('join-hub');
  const hubValue = await hubInput.getAttribute('value');
  if (!hubValue) throw new Error('join-hub is not prefilled from LINLI_HUB_URL');
  await app.type('join-code', code);
  await app.click('join-submit');
  await app.byTestId('nav-home', { visible: true, timeout: 30_000 });
  await app.byTestId('home-unread-count', { timeout: 30_000 });
}

/** A small real JPEG made with ImageMagick. */
export async function makeJpeg(dir, name = 'photo.jpg') {
  const file = path.join(dir, name);
  await run('convert', ['-size', '64x48', 'xc:orange', file]);
  return file;
}

/** Sets a `<select>`'s value the way a person choosing an option does (fires input and change). */
export async function chooseOption(app, testId, value) {
  const el = await app.byTestId(testId, { visible: true });
  await waitFor(
    async () =>
      app.driver.executeScript(
        'return Array.from(arguments[0].options).some((o) => o.value === arguments[1])',
        el,
        value,
      ),
    { message: `option ${value} in ${testId}` },
  );
  await app.driver.executeScript(
    `const s = arguments[0]; s.value = arguments[1];
     s.dispatchEvent(new Event('input', {bubbles: true})); s.dispatchEvent(new Event('change', {bubbles: true}));`,
    el,
    value,
  );
}

/** Switches the language on the Settings screen and waits for `<html lang>` to follow. */
export async function setLanguage(app, lang) {
  await app.go('settings');
  await chooseOption(app, 'settings-language', lang);
  await waitFor(async () => (await app.htmlLang()) === lang, { message: `<html lang> = ${lang}` });
}

/** The main screens reachable from the navigation, with an element that shows each one has rendered. */
export const MAIN_SCREENS = [
  { name: 'home', nav: 'nav-home', ready: 'home-unread-count' },
  { name: 'notices', nav: 'nav-notices', ready: 'notice-item' },
  { name: 'report', nav: 'nav-report', ready: 'report-next' },
  { name: 'reports', nav: 'nav-reports', ready: null },
  { name: 'consultations', nav: 'nav-consultations', ready: 'consultation-item' },
  { name: 'settings', nav: 'nav-settings', ready: 'settings-language' },
];

/**
 * Visits every main screen, saves a screenshot `<prefix>-<screen>.png` of each, and returns the screens that scroll
 * sideways ([{ name, scrollWidth, innerWidth }]).
 */
export async function visitMainScreens(app, prefix) {
  const overflowing = [];
  for (const s of MAIN_SCREENS) {
    await app.go(s.name);
    if (s.ready) await app.byTestId(s.ready, { visible: true });
    await app.driver.executeScript('window.scrollTo(0, 0)');
    await sleep(300); // let transitions and fonts settle before the picture
    const { scrollWidth, innerWidth } = await app.horizontalOverflow();
    if (scrollWidth > innerWidth) overflowing.push({ name: s.name, scrollWidth, innerWidth });
    await app.screenshot(`${prefix}-${s.name}`);
  }
  return overflowing;
}

export const LANGS = ['zh-CN', 'en-US'];
export const SIZES = { phone: PHONE, desktop: DESKTOP };

/**
 * Every main screen in both languages at both sizes, with screenshots named `<lang>-<size>-<screen>.png`.
 * Returns what scrolls sideways at phone width ([{ lang, name, scrollWidth, innerWidth }]). Leaves the app in
 * Chinese at desktop size.
 */
export async function tourAllScreens(app) {
  const overflow = [];
  for (const lang of LANGS) {
    await setLanguage(app, lang);
    for (const [sizeName, size] of Object.entries(SIZES)) {
      await app.setSize(size);
      const found = await visitMainScreens(app, `${lang}-${sizeName}`);
      if (sizeName === 'phone') overflow.push(...found.map((f) => ({ lang, ...f })));
    }
  }
  await setLanguage(app, 'zh-CN');
  await app.setSize(DESKTOP);
  return overflow;
}

/** Screenshots of the Join screen in both languages at both sizes (`<lang>-<size>-join.png`); ends in Chinese. */
export async function tourJoinScreen(app) {
  const overflow = [];
  for (const lang of LANGS) {
    await app.click(lang === 'zh-CN' ? 'lang-zh' : 'lang-en');
    await waitFor(async () => (await app.htmlLang()) === lang, { message: `<html lang> = ${lang} on Join` });
    for (const [sizeName, size] of Object.entries(SIZES)) {
      await app.setSize(size);
      await app.byTestId('join-code', { visible: true });
      await sleep(300);
      const { scrollWidth, innerWidth } = await app.horizontalOverflow();
      if (sizeName === 'phone' && scrollWidth > innerWidth) overflow.push({ lang, name: 'join', scrollWidth, innerWidth });
      await app.screenshot(`${lang}-${sizeName}-join`);
    }
  }
  await app.click('lang-zh');
  await waitFor(async () => (await app.htmlLang()) === 'zh-CN', { message: '<html lang> = zh-CN on Join' });
  await app.setSize(DESKTOP);
  return overflow;
}
