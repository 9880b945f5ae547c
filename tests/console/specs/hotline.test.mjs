// The 12345 bridge in the console, in Debian's Chromium against a real `linli-hub serve`: the
// community's head opens the 12345 screen, uploads a hotline case file with bad rows (refused whole:
// each bad row's number and reason shown, nothing in the inbox), then the corrected file (two new
// cases, shown in the inbox with their case numbers), then the same file again (nothing new, and the
// screen says so), and downloads the result file (a real XLSX). A grid worker sees the screen is not
// theirs. axe-core checks the screen; screenshots go to target/screenshots/console-hotline-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as H from '../harness.mjs';
import { msg, axe, shots } from '../harness.mjs';

let h;
before(async () => {
  h = await H.startHub();
});
after(async () => {
  await h?.stop();
});

const HEADER = '工单编号,来电时间,诉求类别,诉求内容,地址/楼栋,办结时限';
const csv = (rows) => ({
  name: '12345工单.csv',
  mimeType: 'text/csv',
  buffer: Buffer.from(`\uFEFF${HEADER}\r\n${rows.join('\r\n')}\r\n`, 'utf8'),
});
const GOOD = [
  'GD-E2E-001,2026-12-01 08:15,设施维修,2号楼电梯异响,幸福里社区2号楼,2026-12-05',
  'GD-E2E-002,2026-12-01 08:40,市容环境,1号楼门口垃圾堆放,幸福里社区1号楼,2026-12-06 17:30',
];

test('the head imports the hotline file once, sees bad rows refused, and downloads the results', async () => {
  const head = await H.staffMember(h, '王主任', 'head');
  const { context, page } = await H.signedIn(h, head);
  await page.getByTestId('open-hotline').click();
  await page.getByTestId('hotline-file').waitFor();
  await axe(page, 'hotline');

  // A file with a bad row: refused whole, every bad row listed, nothing imported.
  await page.getByTestId('hotline-file').setInputFiles(csv([GOOD[0], 'GD-E2E-003,2026-12-01 09:00,环境卫生,,3号楼,下周三']));
  await page.getByTestId('hotline-import').click();
  const problems = page.getByTestId('hotline-problems');
  await problems.waitFor();
  const listed = await problems.textContent();
  assert.match(listed, /第 3 行：“诉求内容”为空/);
  assert.match(listed, /第 3 行：“办结时限”不是有效的时间：下周三/);
  assert.equal(await page.getByTestId('notice').textContent(), msg('zh-CN', 'console-hotline-refused'));
  await axe(page, 'hotline with problems');
  await shots(page, 'hotline');

  await page.getByTestId('open-inbox').click();
  await page.getByTestId('open-hotline').click();
  // The corrected file: two new cases.
  await page.getByTestId('hotline-file').setInputFiles(csv(GOOD));
  await page.getByTestId('hotline-import').click();
  await page.getByTestId('notice').waitFor();
  assert.match(await page.getByTestId('notice').textContent(), /共 2 件工单：新建 2 件，已有 0 件/);
  assert.equal(await page.getByTestId('hotline-problems').count(), 0);
  // The same file again: nothing new, and the screen says so.
  await page.getByTestId('hotline-file').setInputFiles(csv(GOOD));
  await page.getByTestId('hotline-import').click();
  await page.getByText('均已导入过').waitFor();

  // The cases are in the inbox with their case numbers.
  await page.getByTestId('open-inbox').click();
  await page.getByText('2号楼电梯异响').waitFor();
  const badges = await page.getByTestId('inbox-external').allTextContents();
  assert.ok(badges.some((b) => b.includes('GD-E2E-001')), badges.join(' | '));
  assert.ok(badges.some((b) => b.includes('GD-E2E-002')), badges.join(' | '));
  assert.ok(!badges.some((b) => b.includes('GD-E2E-003')), 'nothing of the refused file');

  // The result file: a real XLSX (a zip) downloaded with the session.
  await page.getByTestId('open-hotline').click();
  await page.getByTestId('hotline-since').fill('2020-01-01');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('hotline-export-xlsx').click(),
  ]);
  assert.match(download.suggestedFilename(), /^12345-2020-01-01\.xlsx$/);
  const bytes = readFileSync(await download.path());
  assert.equal(bytes.subarray(0, 4).toString('binary'), 'PK\x03\x04');
  await context.close();

  // A grid worker: not theirs.
  const grid = await H.staffMember(h, '赵网格员', 'grid', '1号楼');
  const other = await H.signedIn(h, grid);
  await other.page.getByTestId('open-hotline').click();
  assert.equal(
    await other.page.getByTestId('hotline-heads-only').textContent(),
    msg('zh-CN', 'console-hotline-heads-only'),
  );
  assert.equal(await other.page.getByTestId('hotline-file').count(), 0);
  await other.context.close();
});
