import { test } from 'node:test';
import assert from 'node:assert/strict';
import initSqlJs from 'sql.js';

test('sql.js loads its wasm and has FTS4', async () => {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run('CREATE VIRTUAL TABLE t USING fts4(body)');
  db.run("INSERT INTO t(body) VALUES ('hello world')");
  const rows = db.exec("SELECT count(*) FROM t WHERE t MATCH 'hello'");
  assert.equal(rows[0].values[0][0], 1);
  db.close();
});
