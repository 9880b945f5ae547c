// The PouchDB side of Linli's benchmarks: a PouchDB 9 client (leveldb adapter, a fresh database under a temp
// directory) replicating with a CouchDB-protocol server. Prints one JSON object on stdout.
//   node client.js seed URL DB NOTICES CONSULTATIONS   fills the server's database (not timed)
//   node client.js pull URL DB BATCH                   replicate server → fresh local db, then once more (no change)
//   node client.js push URL DB DOCS BATCH              DOCS new local docs replicated up into a fresh server db
// BATCH 0 means PouchDB's default batch size (100).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const PouchDB = require('pouchdb-node');

const [cmd, url, dbName, a, b] = process.argv.slice(2);
const now = () => performance.now() / 1000;

// Same shapes and sizes as the hub's records: a notice is ~300 bytes of text.
const NOTICE_BODY = '各位居民：本周将对小区公共设施进行例行维护，请大家提前做好安排。'.repeat(3);
function notice(i) {
  return {
    _id: `notice:${String(i).padStart(7, '0')}`,
    type: 'notice',
    title: `第${i}号通知：小区公共设施维护安排`,
    body: NOTICE_BODY,
    urgency: i % 20 === 0 ? 'urgent' : i % 20 <= 3 ? 'important' : 'normal',
    pinned: i % 500 === 0,
    published_at: new Date().toISOString(),
  };
}
function consultation(i) {
  return {
    _id: `consultation:${String(i).padStart(6, '0')}`,
    type: 'consultation',
    title: `第${i}号议题`,
    description: '请各位居民发表意见',
    options: ['同意', '不同意', '弃权'].map((label, k) => ({ id: `${i}-${k}`, label })),
    max_choices: 1,
    opens_at: new Date(Date.now() - 3600e3).toISOString(),
    closes_at: new Date(Date.now() + 7 * 86400e3).toISOString(),
  };
}
// The same mix Linli pushes: half reports, half votes.
function upload(i) {
  return i % 2 === 0
    ? {
        _id: `report:${String(i).padStart(6, '0')}`,
        type: 'report',
        category: 'facilities',
        text: '3单元楼道灯不亮，晚上上下楼很不方便，请尽快维修。',
        address: { building: '1号楼', unit: '1单元', room: '101' },
        created_at: new Date().toISOString(),
      }
    : {
        _id: `vote:${String(i).padStart(6, '0')}`,
        type: 'vote',
        consultation_id: `consultation:${String(i).padStart(6, '0')}`,
        option_ids: [`${i}-0`],
        created_at: new Date().toISOString(),
      };
}

function batchOpts(batch) {
  return Number(batch) > 0 ? { batch_size: Number(batch) } : {};
}

async function main() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'linli-bench-pouch-'));
  const Local = PouchDB.defaults({ prefix: tmp + path.sep });
  const remote = new PouchDB(`${url}/${dbName}`);
  try {
    if (cmd === 'seed') {
      const notices = Number(a);
      const consultations = Number(b);
      const docs = [];
      for (let i = 0; i < notices; i++) docs.push(notice(i));
      for (let i = 0; i < consultations; i++) docs.push(consultation(i));
      for (let i = 0; i < docs.length; i += 1000) await remote.bulkDocs(docs.slice(i, i + 1000));
      const info = await remote.info();
      console.log(JSON.stringify({ seeded: info.doc_count }));
    } else if (cmd === 'pull') {
      const local = new Local('replica');
      await remote.info();
      let t = now();
      const first = await local.replicate.from(remote, batchOpts(a));
      const secs = now() - t;
      // Let the caller read the byte counters between the two phases.
      console.log(JSON.stringify({ phase: 'initial_done' }));
      await new Promise((resolve) => process.stdin.once('data', resolve));
      process.stdin.pause();
      t = now();
      const again = await local.replicate.from(remote, batchOpts(a));
      const noChangeSecs = now() - t;
      console.log(
        JSON.stringify({
          adapter: local.adapter,
          docs: first.docs_written,
          secs,
          no_change_secs: noChangeSecs,
          no_change_docs: again.docs_written,
        }),
      );
    } else if (cmd === 'push') {
      const n = Number(a);
      const local = new Local('outbox');
      const docs = [];
      for (let i = 0; i < n; i++) docs.push(upload(i));
      await local.bulkDocs(docs);
      await remote.info(); // creates the server database before the clock starts
      const t = now();
      const res = await local.replicate.to(remote, batchOpts(b));
      const secs = now() - t;
      console.log(JSON.stringify({ adapter: local.adapter, docs: res.docs_written, secs }));
    } else {
      throw new Error(`unknown command ${cmd}`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e && e.stack ? e.stack : e);
    process.exit(1);
  },
);
