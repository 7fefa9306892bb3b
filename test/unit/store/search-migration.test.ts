// The upgrade that makes search cover titles and notes (tags are matched by name), on a real
// history of 10k generations from the schema before it, some titled, noted and tagged: nothing is
// lost, the old ones are found by their new fields, and a SIGKILL at any moment of the upgrade
// leaves the old schema or the new one, never a mix.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { DB_FILE } from '../../../src/store/database';
import { migrate, MIGRATIONS, SCHEMA_VERSION, userVersion } from '../../../src/store/schema';
import { searchFunctions } from '../../../src/store/search-text';
import { loadSqlJs, type Database } from '../../../src/store/sqlite';
import { lines, oldGenerationId, oldGenerationText, oldSchemaStore, reopen, spawnBundled, tempDir } from './helpers';

const N = 10_000;
/** The schema before search covered titles and notes. */
const FROM = MIGRATIONS.find((m) => m.description === 'search covers titles and notes')!.version - 1;
const ROUNDS = 14;
const child = path.join(__dirname, 'children', 'opener.ts');

/** Every 10th generation titled, every 25th noted, every 7th tagged "Keeper" (and every 14th "Intro" too). */
function organise(db: Database): void {
  db.run("INSERT INTO tags (id, name, name_key, created_at) VALUES ('t-keeper', 'Keeper', 'keeper', 1), ('t-intro', 'Intro', 'intro', 1)");
  for (let i = 0; i < N; i++) {
    const id = oldGenerationId(i);
    if (i % 10 === 0) db.run('UPDATE generations SET title = ? WHERE id = ?', [`Take ${i} quokka`, id]);
    if (i % 25 === 0) db.run('UPDATE generations SET notes = ? WHERE id = ?', [`*Louder* next time (${i})`, id]);
    if (i % 7 === 0) db.run("INSERT INTO generation_tags VALUES (?, 't-keeper')", [id]);
    if (i % 14 === 0) db.run("INSERT INTO generation_tags VALUES (?, 't-intro')", [id]);
  }
}
const expectedTitles = Math.ceil(N / 10);
const expectedKeepers = Math.ceil(N / 7);
const expectedOrganised = Array.from({ length: N }, (_, i) => i).filter((i) => i % 10 === 0 || i % 25 === 0).length;

async function openRaw(dir: string): Promise<Database> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database(fs.readFileSync(path.join(dir, DB_FILE)));
  for (const [name, fn] of Object.entries(searchFunctions)) db.create_function(name, fn);
  return db;
}

const value = (db: Database, sql: string) => db.exec(sql)[0]?.values[0]?.[0];
const schemaOf = (db: Database) =>
  (db.exec("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")[0]?.values ?? []).map((r) =>
    r.join(' '),
  );

/** The tables, views, indexes and triggers of an empty database at schema `version`. */
async function schemaAt(version: number): Promise<string[]> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  try {
    for (const [name, fn] of Object.entries(searchFunctions)) db.create_function(name, fn);
    migrate(db, version);
    return schemaOf(db);
  } finally {
    db.close();
  }
}

/** What the database file holds is exactly the old schema or exactly the current one, with every row. */
async function checkFile(dir: string, original: Buffer): Promise<number> {
  const bytes = fs.readFileSync(path.join(dir, DB_FILE));
  const db = await openRaw(dir);
  try {
    const version = userVersion(db);
    assert.deepEqual(schemaOf(db), await schemaAt(version), `exactly the schema ${version} it says it is`);
    if (version === FROM) {
      assert.ok(bytes.equals(original), 'a database still at the old schema is the original file, byte for byte');
    } else {
      assert.equal(version, SCHEMA_VERSION, 'the database is at the old schema or the new one');
      db.run("INSERT INTO generation_search_extra(generation_search_extra) VALUES ('integrity-check')");
      assert.equal(
        Number(value(db, 'SELECT count(*) FROM search_extra')),
        expectedOrganised,
        'every titled or noted generation is indexed',
      );
    }
    assert.equal(Number(value(db, 'SELECT count(*) FROM generations')), N);
    assert.equal(Number(value(db, 'SELECT count(*) FROM generations WHERE title IS NOT NULL')), expectedTitles);
    assert.equal(Number(value(db, "SELECT count(*) FROM generation_tags WHERE tag_id = 't-keeper'")), expectedKeepers);
    const texts = db.exec('SELECT id, text FROM generations ORDER BY created_at')[0].values;
    texts.forEach(([id, text], i) => {
      assert.equal(id, oldGenerationId(i));
      assert.equal(text, oldGenerationText(i));
    });
    return version;
  } finally {
    db.close();
  }
}

test('upgrading an older history of 10k organised generations keeps every row and is found by title, notes and tags', async () => {
  const t = tempDir();
  try {
    await oldSchemaStore(t.dir, FROM, N, organise);
    const h = await reopen(t.dir);
    try {
      assert.equal((await h.list({ search: 'keeper' })).total, expectedKeepers);
      assert.equal((await h.list({ search: 'quokka' })).total, expectedTitles);
      assert.equal((await h.list({ search: 'take 420 quok' })).total, 1);
      assert.equal((await h.list({ search: '*louder*' })).total, N / 25);
      assert.equal((await h.list({ search: 'number 4242 of' })).total, 1);
      assert.equal((await h.list({ tag: 'intro' })).total, Math.ceil(N / 14));
      assert.equal((await h.list({ untagged: true })).total, N - expectedKeepers);
      assert.deepEqual(
        (await h.listTags()).map((x) => [x.name, x.count]),
        [
          ['Intro', Math.ceil(N / 14)],
          ['Keeper', expectedKeepers],
        ],
      );
    } finally {
      await h.close();
    }
    assert.equal(await checkFile(t.dir, Buffer.alloc(0)), SCHEMA_VERSION);
  } finally {
    t.cleanup();
  }
});

test(
  `a SIGKILL at ${ROUNDS} moments of the upgrade leaves the old schema or the new one, never a mix, and nothing lost`,
  { timeout: 600_000 },
  async () => {
    const t = tempDir();
    try {
      const pristine = path.join(t.dir, 'pristine');
      fs.mkdirSync(pristine);
      await oldSchemaStore(pristine, FROM, N, organise);
      const original = fs.readFileSync(path.join(pristine, DB_FILE));
      const fresh = (round: number) => {
        const dir = path.join(t.dir, `round-${round}`);
        fs.cpSync(pristine, dir, { recursive: true });
        return dir;
      };
      // How long an upgrade takes here today, from start to open: the kills are spread over it.
      const started = performance.now();
      const first = spawnBundled(child, [fresh(0)]);
      const out = lines(first);
      await new Promise<void>((resolve) => {
        const check = () => (out.lines.some((l) => l.startsWith('opened')) ? resolve() : setTimeout(check, 5));
        check();
      });
      const typical = performance.now() - started;
      first.kill('SIGKILL');
      await out.exited;
      assert.deepEqual(out.lines, [`opened ${N}`]);

      let seed = 777;
      const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
      const seen = new Map<number, number>();
      for (let round = 1; round <= ROUNDS; round++) {
        const dir = fresh(round);
        const proc = spawnBundled(child, [dir]);
        const o = lines(proc);
        // From a third of the way in (sql.js is still loading before that) to a little past the end.
        await new Promise((r) => setTimeout(r, typical * (0.3 + random() * 0.9)));
        proc.kill('SIGKILL');
        await o.exited;
        const version = await checkFile(dir, original);
        seen.set(version, (seen.get(version) ?? 0) + 1);
        // And it opens, upgraded, with everything findable.
        const h = await reopen(dir);
        try {
          assert.equal((await h.list({ search: 'keeper' })).total, expectedKeepers, `round ${round}`);
          assert.equal((await h.list({ pageSize: 1 })).total, N);
        } finally {
          await h.close();
        }
        assert.equal(await checkFile(dir, original), SCHEMA_VERSION);
        fs.rmSync(dir, { recursive: true, force: true });
      }
      console.log(
        `migration kills: ${[...seen].map(([v, n]) => `${n} left schema ${v}`).join(', ')} (typical upgrade ${typical.toFixed(0)} ms)`,
      );
    } finally {
      t.cleanup();
    }
  },
);
