// The hub half of the harness on its own: demo codes, serve/stop/restart on the same data dir and port, admin
// commands. Runs without the app binary, so it also checks the harness on machines that can't build the app.

import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { World, parseDemoCodes } from '../harness.mjs';

let world;
before(async () => {
  world = await World.create('hub');
});
after(async () => {
  await world?.cleanup();
});

test('demo prints invitation codes with addresses', () => {
  assert.ok(world.codes.length >= 1);
  for (const { code, address } of world.codes) {
    assert.match(code, /^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    assert.ok(address.length > 0);
  }
  assert.deepEqual(parseDemoCodes('AB12-CD34\t1号楼 1单元 101\nnoise\n'), [
    { code: 'AB12-CD34', address: '1号楼 1单元 101' },
  ]);
});

test('the hub stops and starts again on the same port and data', async () => {
  const before = await world.hub.adminJson('consultation', 'list');
  assert.ok(await world.hub.healthy());
  await world.hub.stop();
  assert.equal(await world.hub.healthy(), false);
  await world.hub.start();
  assert.ok(await world.hub.healthy());
  const after = await world.hub.adminJson('consultation', 'list');
  assert.deepEqual(after.map((c) => c.id).sort(), before.map((c) => c.id).sort());
});

test('admin commands work while the hub runs', async () => {
  const notices = await world.hub.adminJson('notice', 'list');
  assert.ok(notices.some((n) => n.urgency === 'urgent'), 'the demo has an urgent notice');
  const reports = await world.hub.adminJson('reports', 'list');
  assert.ok(Array.isArray(reports));
  const out = await world.hub.admin('consultation', 'create', '--title', 'E2E', '--option', 'A', '--option', 'B');
  const id = out.trim().split('\n').pop().trim();
  const list = await world.hub.adminJson('consultation', 'list');
  assert.ok(list.some((c) => c.id === id && c.closed_at === null), `created consultation ${id} is open`);
  await world.hub.admin('consultation', 'close', id);
  const closed = (await world.hub.adminJson('consultation', 'list')).find((c) => c.id === id);
  assert.ok(closed.closed_at, 'closed');
});
