// Schema 5 (titles, notes, tags) upgrades a real schema-4 history of 10k generations without losing a row.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { DB_FILE } from '../../../src/store/database';
import { migrate, SCHEMA_VERSION, userVersion } from '../../../src/store/schema';
import { searchFunctions } from '../../../src/store/search-text';
import { loadSqlJs } from '../../../src/store/sqlite';
import { reopen, tempDir } from './helpers';

const N = 10_000;
const PROFILE = '8f9c7f2e-3b1a-4c6d-9e8f-1a2b3c4d5e6f';
const idOf = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

test('migration 5: a schema-4 history of 10k generations keeps every row, text and search; tags cascade with their generation', async () => {
  const t = tempDir();
  try {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    for (const [name, fn] of Object.entries(searchFunctions)) db.create_function(name, fn);
    migrate(db, 4);
    assert.equal(userVersion(db), 4);
    db.run(`INSERT INTO profiles (id, name, name_key, created_at, updated_at) VALUES ('${PROFILE}', 'Narrator', 'narrator', 1, 1)`);
    db.run('BEGIN');
    const ins = db.prepare(
      "INSERT INTO generations (id, profile_id, text, status, duration, created_at, updated_at) VALUES (?, ?, ?, 'completed', 1, ?, ?)",
    );
    for (let i = 0; i < N; i++) ins.run([idOf(i), PROFILE, `line number ${i} of the script`, i, i]);
    ins.free();
    db.run('COMMIT');
    fs.writeFileSync(path.join(t.dir, DB_FILE), db.export());
    db.close();

    const h = await reopen(t.dir);
    assert.equal((await h.stats()).totalGenerations, N);
    assert.equal((await h.list({ search: 'number 4242 of' })).total, 1);
    await h.close();

    const check = new SQL.Database(fs.readFileSync(path.join(t.dir, DB_FILE)));
    for (const [name, fn] of Object.entries(searchFunctions)) check.create_function(name, fn);
    try {
      assert.equal(userVersion(check), SCHEMA_VERSION);
      const texts = check.exec('SELECT id, text, title, notes FROM generations ORDER BY created_at')[0].values;
      assert.equal(texts.length, N);
      texts.forEach(([id, text, title, notes], i) => {
        assert.equal(id, idOf(i));
        assert.equal(text, `line number ${i} of the script`);
        assert.equal(title, null);
        assert.equal(notes, null);
      });
      check.run('PRAGMA foreign_keys = ON');
      check.run("INSERT INTO tags (id, name, name_key, created_at) VALUES ('t1', 'Intro', 'intro', 1)");
      check.run(`INSERT INTO generation_tags (generation_id, tag_id) VALUES ('${idOf(1)}', 't1'), ('${idOf(2)}', 't1')`);
      assert.throws(() => check.run("INSERT INTO tags (id, name, name_key, created_at) VALUES ('t2', 'INTRO', 'intro', 1)"), /UNIQUE/);
      check.run(`DELETE FROM generations WHERE id = '${idOf(1)}'`);
      assert.deepEqual(check.exec('SELECT generation_id FROM generation_tags')[0].values, [[idOf(2)]]);
    } finally {
      check.close();
    }
  } finally {
    t.cleanup();
  }
});
