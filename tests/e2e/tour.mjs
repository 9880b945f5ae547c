// `./dev run-headless`: starts a demo hub and the real app under Xvfb, joins, and saves a screenshot of every
// main screen in both languages at phone and desktop size (target/screenshots/tour-*.png).
import { World, join, waitFor, PHONE, DESKTOP, SCREENSHOT_DIR } from './harness.mjs';

const SCREENS = ['home', 'notices', 'report', 'reports', 'consultations', 'settings'];
const world = await World.create('tour');
try {
  const app = await world.launchApp();
  await app.screenshot('tour-join');
  await join(app, world.codes[0].code);
  await waitFor(async () => (await app.syncStatus()).state === 'idle', { message: 'first sync', timeout: 30_000 });
  for (const lang of ['zh-CN', 'en-US']) {
    await app.click('nav-settings');
    const select = await app.byTestId('settings-language', { visible: true });
    await select.findElement({ css: `option[value="${lang}"]` }).click();
    await waitFor(async () => (await app.htmlLang()) === lang, { message: lang });
    for (const size of [DESKTOP, PHONE]) {
      await app.setSize(size);
      for (const screen of SCREENS) {
        await app.click(`nav-${screen}`);
        await app.driver.sleep(400);
        await app.screenshot(`tour-${lang}-${screen}-${size.width}`);
      }
    }
    await app.setSize(DESKTOP);
  }
  console.log(`screenshots in ${SCREENSHOT_DIR}`);
} finally {
  await world.cleanup();
}
