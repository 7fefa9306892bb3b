// Database schema as an ordered list of migrations; `PRAGMA user_version` records how many ran.
// A migration never changes once released: add a new one instead.
import type { Database } from './sqlite';
import { HistoryError } from './errors';

export interface Migration {
  version: number;
  description: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'profiles, generations, versions, stories',
    sql: `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;

CREATE TABLE profiles (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL UNIQUE,
  description TEXT,
  language TEXT NOT NULL DEFAULT 'en',
  engine TEXT,
  voice_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX profiles_engine_voice ON profiles(engine, voice_id);

-- seq orders rows (ties of created_at) and is the search docid; id is the public uuid.
CREATE TABLE generations (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  profile_id TEXT NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
  text TEXT NOT NULL,
  language TEXT NOT NULL DEFAULT 'en',
  audio_path TEXT,
  duration REAL,
  sample_rate INTEGER,
  channels INTEGER,
  audio_bytes INTEGER,
  content_hash TEXT,
  seed INTEGER,
  instruct TEXT,
  engine TEXT,
  model TEXT,
  settings TEXT,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'generating', 'completed', 'failed')),
  error TEXT,
  is_favorited INTEGER NOT NULL DEFAULT 0 CHECK (is_favorited IN (0, 1)),
  source TEXT NOT NULL DEFAULT 'engine' CHECK (source IN ('engine', 'import', 'api', 'sync')),
  external_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX generations_created ON generations(created_at);
CREATE INDEX generations_profile ON generations(profile_id, created_at);
CREATE INDEX generations_status ON generations(status, created_at);
CREATE INDEX generations_favorite ON generations(created_at) WHERE is_favorited = 1;
CREATE INDEX generations_external ON generations(external_id) WHERE external_id IS NOT NULL;
CREATE INDEX generations_hash ON generations(content_hash) WHERE content_hash IS NOT NULL;

CREATE TABLE generation_versions (
  id TEXT PRIMARY KEY,
  generation_id TEXT NOT NULL REFERENCES generations(id) ON DELETE CASCADE,
  label TEXT NOT NULL,
  audio_path TEXT NOT NULL,
  effects_chain TEXT,
  source_version_id TEXT REFERENCES generation_versions(id) ON DELETE SET NULL,
  is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
  duration REAL,
  sample_rate INTEGER,
  channels INTEGER,
  audio_bytes INTEGER NOT NULL,
  content_hash TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX versions_generation ON generation_versions(generation_id, created_at);
CREATE UNIQUE INDEX versions_one_default ON generation_versions(generation_id) WHERE is_default = 1;
CREATE INDEX versions_source ON generation_versions(source_version_id) WHERE source_version_id IS NOT NULL;

CREATE TABLE stories (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);

CREATE TABLE story_items (
  id TEXT PRIMARY KEY,
  story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
  generation_id TEXT NOT NULL REFERENCES generations(id) ON DELETE CASCADE,
  version_id TEXT REFERENCES generation_versions(id) ON DELETE SET NULL,
  start_ms INTEGER NOT NULL DEFAULT 0,
  track INTEGER NOT NULL DEFAULT 0,
  trim_start_ms INTEGER NOT NULL DEFAULT 0,
  trim_end_ms INTEGER NOT NULL DEFAULT 0,
  volume REAL NOT NULL DEFAULT 1
);
CREATE INDEX story_items_story ON story_items(story_id, track, start_ms);
CREATE INDEX story_items_generation ON story_items(generation_id);
CREATE INDEX story_items_version ON story_items(version_id) WHERE version_id IS NOT NULL;
`,
  },
  {
    version: 2,
    description: 'word index for search (FTS4) with a vocabulary for substring matches',
    sql: `
-- Per generation: body = normalised text + instruct, for literal checks (a plain table, so scans
-- run at table speed). The FTS4 index of its words reads its content through a view that derives
-- the words from the body ("external content"), so the words are not stored twice.
CREATE TABLE search_docs (docid INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE VIEW search_content AS SELECT docid AS rowid, docid, vh_search_words_of(body) AS words FROM search_docs;
CREATE VIRTUAL TABLE generation_search USING fts4(content="search_content", words);
-- Every indexed word with the number of generations containing it (substring and prefix lookups, query planning).
CREATE TABLE search_terms (term TEXT PRIMARY KEY, docs INTEGER NOT NULL) WITHOUT ROWID;

CREATE TRIGGER search_after_insert AFTER INSERT ON generations BEGIN
  INSERT INTO search_docs(docid, body) VALUES (NEW.seq, vh_search_body(NEW.text, NEW.instruct));
  INSERT INTO generation_search(docid, words) VALUES (NEW.seq, vh_search_words(NEW.text, NEW.instruct));
  INSERT INTO search_terms(term, docs)
    SELECT value, 1 FROM json_each(vh_search_terms(NEW.text, NEW.instruct)) WHERE true
    ON CONFLICT(term) DO UPDATE SET docs = docs + 1;
END;

CREATE TRIGGER search_after_delete AFTER DELETE ON generations BEGIN
  -- FTS4 reads the words to unindex through search_content: remove from the index before the row.
  DELETE FROM generation_search WHERE docid = OLD.seq;
  DELETE FROM search_docs WHERE docid = OLD.seq;
  UPDATE search_terms SET docs = docs - 1
    WHERE term IN (SELECT value FROM json_each(vh_search_old_terms(OLD.text, OLD.instruct)));
  DELETE FROM search_terms
    WHERE docs <= 0 AND term IN (SELECT value FROM json_each(vh_search_old_terms(OLD.text, OLD.instruct)));
END;

CREATE TRIGGER search_after_update AFTER UPDATE OF text, instruct ON generations BEGIN
  -- FTS4 reads the words to unindex through search_content: remove from the index before the row.
  DELETE FROM generation_search WHERE docid = OLD.seq;
  UPDATE search_terms SET docs = docs - 1
    WHERE term IN (SELECT value FROM json_each(vh_search_old_terms(OLD.text, OLD.instruct)));
  DELETE FROM search_terms
    WHERE docs <= 0 AND term IN (SELECT value FROM json_each(vh_search_old_terms(OLD.text, OLD.instruct)));
  UPDATE search_docs SET body = vh_search_body(NEW.text, NEW.instruct) WHERE docid = NEW.seq;
  INSERT INTO generation_search(docid, words) VALUES (NEW.seq, vh_search_words(NEW.text, NEW.instruct));
  INSERT INTO search_terms(term, docs)
    SELECT value, 1 FROM json_each(vh_search_terms(NEW.text, NEW.instruct)) WHERE true
    ON CONFLICT(term) DO UPDATE SET docs = docs + 1;
END;

INSERT INTO search_docs(docid, body) SELECT seq, vh_search_body(text, instruct) FROM generations;
INSERT INTO generation_search(generation_search) VALUES ('rebuild');
INSERT INTO search_terms(term, docs)
  SELECT j.value, count(*) FROM generations AS g, json_each(vh_search_terms(g.text, g.instruct)) AS j
  GROUP BY j.value;
`,
  },
  {
    version: 3,
    description: 'running totals for statistics',
    sql: `
CREATE TABLE stat_groups (
  profile_id TEXT NOT NULL,
  engine TEXT NOT NULL,
  status TEXT NOT NULL,
  count INTEGER NOT NULL,
  duration REAL NOT NULL,
  PRIMARY KEY (profile_id, engine, status)
) WITHOUT ROWID;
-- day = UTC days since 1970.
CREATE TABLE stat_days (day INTEGER PRIMARY KEY, count INTEGER NOT NULL, duration REAL NOT NULL);
CREATE TABLE stat_totals (name TEXT PRIMARY KEY, value REAL NOT NULL) WITHOUT ROWID;

CREATE TRIGGER stats_after_insert AFTER INSERT ON generations BEGIN
  INSERT INTO stat_groups VALUES (NEW.profile_id, coalesce(NEW.engine, ''), NEW.status, 1, coalesce(NEW.duration, 0))
    ON CONFLICT DO UPDATE SET count = count + 1, duration = duration + excluded.duration;
  INSERT INTO stat_days VALUES (NEW.created_at / 86400000, 1, coalesce(NEW.duration, 0))
    ON CONFLICT DO UPDATE SET count = count + 1, duration = duration + excluded.duration;
END;

CREATE TRIGGER stats_after_delete AFTER DELETE ON generations BEGIN
  UPDATE stat_groups SET count = count - 1, duration = duration - coalesce(OLD.duration, 0)
    WHERE profile_id = OLD.profile_id AND engine = coalesce(OLD.engine, '') AND status = OLD.status;
  DELETE FROM stat_groups
    WHERE profile_id = OLD.profile_id AND engine = coalesce(OLD.engine, '') AND status = OLD.status AND count <= 0;
  UPDATE stat_days SET count = count - 1, duration = duration - coalesce(OLD.duration, 0)
    WHERE day = OLD.created_at / 86400000;
  DELETE FROM stat_days WHERE day = OLD.created_at / 86400000 AND count <= 0;
END;

CREATE TRIGGER stats_after_update AFTER UPDATE OF profile_id, engine, status, duration, created_at ON generations BEGIN
  UPDATE stat_groups SET count = count - 1, duration = duration - coalesce(OLD.duration, 0)
    WHERE profile_id = OLD.profile_id AND engine = coalesce(OLD.engine, '') AND status = OLD.status;
  DELETE FROM stat_groups
    WHERE profile_id = OLD.profile_id AND engine = coalesce(OLD.engine, '') AND status = OLD.status AND count <= 0;
  UPDATE stat_days SET count = count - 1, duration = duration - coalesce(OLD.duration, 0)
    WHERE day = OLD.created_at / 86400000;
  DELETE FROM stat_days WHERE day = OLD.created_at / 86400000 AND count <= 0;
  INSERT INTO stat_groups VALUES (NEW.profile_id, coalesce(NEW.engine, ''), NEW.status, 1, coalesce(NEW.duration, 0))
    ON CONFLICT DO UPDATE SET count = count + 1, duration = duration + excluded.duration;
  INSERT INTO stat_days VALUES (NEW.created_at / 86400000, 1, coalesce(NEW.duration, 0))
    ON CONFLICT DO UPDATE SET count = count + 1, duration = duration + excluded.duration;
END;

CREATE TRIGGER stats_version_insert AFTER INSERT ON generation_versions BEGIN
  INSERT INTO stat_totals VALUES ('audio_bytes', NEW.audio_bytes)
    ON CONFLICT DO UPDATE SET value = value + excluded.value;
END;
CREATE TRIGGER stats_version_delete AFTER DELETE ON generation_versions BEGIN
  UPDATE stat_totals SET value = value - OLD.audio_bytes WHERE name = 'audio_bytes';
END;
CREATE TRIGGER stats_version_update AFTER UPDATE OF audio_bytes ON generation_versions BEGIN
  UPDATE stat_totals SET value = value - OLD.audio_bytes + NEW.audio_bytes WHERE name = 'audio_bytes';
END;

INSERT INTO stat_groups
  SELECT profile_id, coalesce(engine, ''), status, count(*), total(duration) FROM generations GROUP BY 1, 2, 3;
INSERT INTO stat_days
  SELECT created_at / 86400000, count(*), total(duration) FROM generations GROUP BY 1;
INSERT INTO stat_totals SELECT 'audio_bytes', total(audio_bytes) FROM generation_versions;
`,
  },
  {
    version: 4,
    description: "effect presets, a default effects chain per voice profile, a take's seed and loudness",
    sql: `
-- User presets (the built-in ones live in code and are never stored). effects_chain is the JSON list
-- of {type, enabled, params}, the same shape as a version's chain.
CREATE TABLE effect_presets (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL UNIQUE,
  description TEXT,
  effects_chain TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
-- A profile's default chain: new generations of the voice get a processed default version too.
ALTER TABLE profiles ADD COLUMN effects_chain TEXT;
-- The seed a take (Regenerate) was made with; null for the original and for processed versions.
ALTER TABLE generation_versions ADD COLUMN seed INTEGER;
-- Integrated loudness (LUFS) measured when the version was rendered or first listed; null when unknown.
ALTER TABLE generation_versions ADD COLUMN loudness_lufs REAL;
`,
  },
  {
    version: 5,
    description: 'titles, notes and tags of generations',
    sql: `
-- A title of the user's own (shown instead of the first line when set) and Markdown notes.
ALTER TABLE generations ADD COLUMN title TEXT;
ALTER TABLE generations ADD COLUMN notes TEXT;
-- Tags by name; name_key (case-folded) keeps "Intro" and "intro" one tag.
CREATE TABLE tags (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  name_key TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);
CREATE TABLE generation_tags (
  generation_id TEXT NOT NULL REFERENCES generations(id) ON DELETE CASCADE,
  tag_id TEXT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  PRIMARY KEY (generation_id, tag_id)
) WITHOUT ROWID;
-- Filter and group by tag walk this one.
CREATE INDEX generation_tags_tag ON generation_tags(tag_id, generation_id);
`,
  },
  {
    version: 6,
    description: 'story tracks (name, mute, solo, gain) and fades per story item',
    sql: `
-- A row only for a track the user changed; a track without one is unnamed, audible, gain 1.
CREATE TABLE story_tracks (
  story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
  track INTEGER NOT NULL,
  name TEXT,
  mute INTEGER NOT NULL DEFAULT 0 CHECK (mute IN (0, 1)),
  solo INTEGER NOT NULL DEFAULT 0 CHECK (solo IN (0, 1)),
  gain REAL NOT NULL DEFAULT 1,
  PRIMARY KEY (story_id, track)
) WITHOUT ROWID;
ALTER TABLE story_items ADD COLUMN fade_in_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE story_items ADD COLUMN fade_out_ms INTEGER NOT NULL DEFAULT 0;
`,
  },
  {
    version: 7,
    description: 'script cues: the document line a generation voices',
    sql: `
-- What Generate Script recorded about the cue a generation voices: where it was (0-based lines,
-- moved when the cue moves) and what it was made from (text hash, speaker, voice, lexicon), so a
-- run renders only what changed. One row per generation; the document index answers "voiced
-- cues of this document" without reading every generation's settings.
CREATE TABLE script_cues (
  generation_id TEXT PRIMARY KEY REFERENCES generations(id) ON DELETE CASCADE,
  document_uri TEXT NOT NULL,
  start_line INTEGER NOT NULL,
  end_line INTEGER NOT NULL,
  text_hash TEXT NOT NULL,
  speaker TEXT,
  voice_key TEXT NOT NULL,
  lexicon_hash TEXT
) WITHOUT ROWID;
CREATE INDEX script_cues_document ON script_cues(document_uri, start_line);
`,
  },
  {
    version: 8,
    description: 'search covers titles and notes',
    sql: `
-- A generation's title and notes, normalised, one field each. Only generations that have one get a
-- row: most have none, so scanning and counting stay small. Indexed by FTS4 like search_docs, with a
-- column per field; its words count in search_terms like the text's. (Tags need no index: there are
-- few of them, so search matches their names directly, as it does profile names; tagging thousands
-- of rows then costs no index work at all.)
CREATE TABLE search_extra (docid INTEGER PRIMARY KEY, title TEXT NOT NULL, notes TEXT NOT NULL);
CREATE VIEW search_extra_content AS
  SELECT docid AS rowid, docid, vh_search_words_of(title) AS title, vh_search_words_of(notes) AS notes FROM search_extra;
CREATE VIRTUAL TABLE generation_search_extra USING fts4(content="search_extra_content", title, notes);

-- What a generation's fields are now.
CREATE VIEW search_extra_source AS
  SELECT seq AS docid, vh_search_norm(title) AS title, vh_search_norm(notes) AS notes FROM generations;

-- Inserting a docid here indexes that generation's fields again (one procedure, written once, that
-- the triggers below call). A generation that no longer exists leaves the index.
CREATE VIEW search_extra_refresh AS SELECT docid FROM search_extra;
CREATE TRIGGER search_extra_refresh INSTEAD OF INSERT ON search_extra_refresh BEGIN
  UPDATE search_terms SET docs = docs - 1 WHERE term IN
    (SELECT value FROM json_each((SELECT vh_search_extra_terms(title, notes) FROM search_extra WHERE docid = NEW.docid)));
  DELETE FROM search_terms WHERE docs <= 0 AND term IN
    (SELECT value FROM json_each((SELECT vh_search_extra_terms(title, notes) FROM search_extra WHERE docid = NEW.docid)));
  -- FTS4 reads the words to unindex through search_extra_content: remove from the index before the row.
  DELETE FROM generation_search_extra WHERE docid = NEW.docid;
  DELETE FROM search_extra WHERE docid = NEW.docid;
  INSERT INTO search_extra (docid, title, notes)
    SELECT docid, title, notes FROM search_extra_source WHERE docid = NEW.docid AND (title <> '' OR notes <> '');
  INSERT INTO generation_search_extra (docid, title, notes)
    SELECT docid, title, notes FROM search_extra_content WHERE docid = NEW.docid;
  INSERT INTO search_terms (term, docs)
    SELECT value, 1 FROM json_each((SELECT vh_search_extra_terms(title, notes) FROM search_extra WHERE docid = NEW.docid)) WHERE true
    ON CONFLICT(term) DO UPDATE SET docs = docs + 1;
END;

CREATE TRIGGER search_extra_after_insert AFTER INSERT ON generations WHEN NEW.title IS NOT NULL OR NEW.notes IS NOT NULL BEGIN
  INSERT INTO search_extra_refresh (docid) VALUES (NEW.seq);
END;
CREATE TRIGGER search_extra_after_update AFTER UPDATE OF title, notes ON generations BEGIN
  INSERT INTO search_extra_refresh (docid) VALUES (NEW.seq);
END;
CREATE TRIGGER search_extra_after_delete AFTER DELETE ON generations WHEN EXISTS (SELECT 1 FROM search_extra WHERE docid = OLD.seq) BEGIN
  INSERT INTO search_extra_refresh (docid) VALUES (OLD.seq);
END;

INSERT INTO search_extra (docid, title, notes) SELECT docid, title, notes FROM search_extra_source WHERE title <> '' OR notes <> '';
INSERT INTO generation_search_extra(generation_search_extra) VALUES ('rebuild');
INSERT INTO search_terms (term, docs)
  SELECT j.value, count(*) FROM search_extra AS e, json_each(vh_search_extra_terms(e.title, e.notes)) AS j WHERE true
  GROUP BY j.value
  ON CONFLICT(term) DO UPDATE SET docs = docs + excluded.docs;
`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export function userVersion(db: Database): number {
  const r = db.exec('PRAGMA user_version');
  return Number(r[0]?.values[0]?.[0] ?? 0);
}

/** Applies the migrations after the database's version up to `target`; returns how many ran. */
export function migrate(db: Database, target: number = SCHEMA_VERSION): number {
  const from = userVersion(db);
  if (from > SCHEMA_VERSION) {
    throw new HistoryError(
      'TOO_NEW',
      `The history was written by a newer version of Voice History (schema ${from}, this one knows ${SCHEMA_VERSION}). Update the extension to open it.`,
    );
  }
  let ran = 0;
  for (const m of MIGRATIONS) {
    if (m.version <= from || m.version > target) continue;
    db.run('BEGIN');
    try {
      db.exec(m.sql);
      db.run(`PRAGMA user_version = ${m.version}`);
      db.run('COMMIT');
    } catch (e) {
      db.run('ROLLBACK');
      throw new HistoryError(
        'CORRUPT',
        `Could not upgrade the history database to schema ${m.version} (${m.description}): ${(e as Error).message}`,
        {
          cause: e,
        },
      );
    }
    ran++;
  }
  return ran;
}
