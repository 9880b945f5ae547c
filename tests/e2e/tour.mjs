// `npm run tour` (./dev run-headless): joins the demo community and visits every main screen in both languages at
// phone and desktop size, saving screenshots under <target>/screenshots/. Prints what scrolls sideways at 360 px.

import { World, join, tourAllScreens, tourJoinScreen, SCREENSHOT_DIR } from './harness.mjs';

const world = await World.create('tour');
let failed = false;
try {
  const app = await world.launchApp();
  await app.byTestId('join-code', { visible: true, timeout: 30_000 });
  const overflow = [...(await tourJoinScreen(app))];
  await join(app, world.codes[0].code);
  overflow.push(...(await tourAllScreens(app)));
  for (const o of overflow) {
    console.log(`wider than the phone: ${o.lang} ${o.name} (${o.scrollWidth} px > ${o.innerWidth} px)`);
  }
  console.log(`screenshots: ${SCREENSHOT_DIR}`);
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  await world.cleanup().catch((e) => console.error(e));
}
process.exit(failed ? 1 : 0);
