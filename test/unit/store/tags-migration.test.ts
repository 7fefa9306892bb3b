// Schema 5 (titles, notes, tags) upgrades a real schema-4 history of 10k generations without losing a row.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { DB_FILE } from '../../../src/store/database';
import { SCHEMA_VERSION, userVersion } from '../../../src/store/schema';
import { searchFunctions } from '../../../src/store/search-text';
import { loadSqlJs } from '../../../src/store/sqlite';
import { oldGenerationId as idOf, oldGenerationText, oldSchemaStore, reopen, tempDir } from './helpers';

const N = 10_000;

test('migration 5: a schema-4 history of 10k generations keeps every row, text and search; tags cascade with their generation', async () => {
  const t = tempDir();
  try {
    await oldSchemaStore(t.dir, 4, N);

    const h = await reopen(t.dir);
    assert.equal((await h.stats()).totalGenerations, N);
    assert.equal((await h.list({ search: 'number 4242 of' })).total, 1);
    await h.close();

    const SQL = await loadSqlJs();
    const check = new SQL.Database(fs.readFileSync(path.join(t.dir, DB_FILE)));
    for (const [name, fn] of Object.entries(searchFunctions)) check.create_function(name, fn);
    try {
      assert.equal(userVersion(check), SCHEMA_VERSION);
      const texts = check.exec('SELECT id, text, title, notes FROM generations ORDER BY created_at')[0].values;
      assert.equal(texts.length, N);
      texts.forEach(([id, text, title, notes], i) => {
        assert.equal(id, idOf(i));
        assert.equal(text, oldGenerationText(i));
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
