// App figures for the README: cold start to a rendered home screen from the local cache with the hub down
// (no network), and the app's memory (RSS) after opening every main screen. Run: `npm run perf` inside an X
// display and a keychain session (`./dev bench` does both). Uses the binary in $CARGO_TARGET_DIR/<profile>/.
import { execFileSync } from 'node:child_process';
import { World, join, waitFor } from './harness.mjs';

const SCREENS = ['home', 'notices', 'report', 'reports', 'consultations', 'settings'];
const RUNS = Number(process.env.PERF_RUNS ?? 5);

function appRssKiB() {
  const out = execFileSync('ps', ['-eo', 'rss=,comm='], { encoding: 'utf8' });
  const rows = out.split('\n').filter((l) => /\blinli-app$/.test(l.trim()));
  return rows.reduce((sum, l) => sum + Number(l.trim().split(/\s+/)[0]), 0);
}

const world = await World.create('perf');
const result = {};
try {
  let app = await world.launchApp();
  await join(app, world.codes[0].code);
  await waitFor(async () => (await app.syncStatus()).state === 'idle', { message: 'first sync', timeout: 30_000 });
  for (const screen of SCREENS) {
    await app.click(`nav-${screen}`);
    await app.driver.sleep(300);
  }
  result.rss_after_all_screens_mib = +(appRssKiB() / 1024).toFixed(1);
  await app.quit();
  world.app = null;

  await world.hub.stop();
  const starts = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    app = await world.launchApp();
    await app.byTestId('home-unread-count', { timeout: 30_000 });
    starts.push(performance.now() - t0);
    await app.quit();
  }
  world.app = null;
  await world.hub.start();
  starts.sort((a, b) => a - b);
  result.cold_start_to_home_ms = {
    median: Math.round(starts[Math.floor(starts.length / 2)]),
    min: Math.round(starts[0]),
    max: Math.round(starts[starts.length - 1]),
    runs: starts.length,
    note: 'includes tauri-driver starting WebKitWebDriver and the app; hub stopped (offline)',
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  await world.cleanup();
}
