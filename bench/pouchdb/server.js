// pouchdb-server's core (express-pouchdb 4.2) on PouchDB 9 with the leveldb adapter, databases under the
// directory given as the first argument. Listens on 127.0.0.1 on a free port and prints `{"port":N}`.
'use strict';
const path = require('node:path');
const express = require('express');
const expressPouchdb = require('express-pouchdb');
const PouchDB = require('pouchdb-node');

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node server.js DATA_DIR');
  process.exit(2);
}
const ServerPouch = PouchDB.defaults({ prefix: dir + path.sep });
const app = express();
app.use('/', expressPouchdb(ServerPouch, { mode: 'minimumForPouchDB', inMemoryConfig: true }));
const server = app.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port }));
});
