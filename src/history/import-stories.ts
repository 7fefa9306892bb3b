// The stories of an import batch, written inside its transaction. A story equal to one already
// here (same name up to case and a " (n)" suffix, same description, items and tracks) is that
// story: importing an archive twice does not double it. Otherwise a name already taken gets
// " (2)", " (3)"…, so an import never changes a story the user has.
import { randomUUID } from 'node:crypto';
import type { Writer } from '../store/database';
import { HistoryError } from '../store/errors';
import type { ImportBatch } from './schemas';
import { nameKey } from './service-support';
import { isDefaultTrack } from './story-timeline';

/** What the batch has written so far: new ids by batch key. */
interface Written {
  generationIds: ReadonlyMap<string, string>;
  /** By `<generation key>/<version key>`. */
  versionIds: ReadonlyMap<string, string>;
}

type BatchStory = ImportBatch['stories'][number];

const ITEM_COLUMNS = 'generation_id, version_id, start_ms, track, trim_start_ms, trim_end_ms, volume, fade_in_ms, fade_out_ms';
const MAX_NAME = 200;

interface Content {
  description: string | null;
  items: Array<[string, string | null, number, number, number, number, number, number, number]>;
  tracks: Array<[number, string | null, boolean, boolean, number]>;
}

/** Order-free form of a story's content, for "is this the same story". */
function fingerprint(c: Content): string {
  return JSON.stringify([c.description, c.items.map((i) => JSON.stringify(i)).sort(), [...c.tracks].sort((a, b) => a[0] - b[0])]);
}

function storedContent(w: Writer, storyId: string, description: string | null): Content {
  return {
    description,
    items: w
      .all(`SELECT ${ITEM_COLUMNS} FROM story_items WHERE story_id = ?`, [storyId])
      .map((r) => [
        String(r.generation_id),
        r.version_id == null ? null : String(r.version_id),
        Number(r.start_ms),
        Number(r.track),
        Number(r.trim_start_ms),
        Number(r.trim_end_ms),
        Number(r.volume),
        Number(r.fade_in_ms),
        Number(r.fade_out_ms),
      ]),
    tracks: w
      .all('SELECT track, name, mute, solo, gain FROM story_tracks WHERE story_id = ?', [storyId])
      .map((r) => [Number(r.track), r.name == null ? null : String(r.name), Number(r.mute) === 1, Number(r.solo) === 1, Number(r.gain)]),
  };
}

/** The batch story with every reference resolved to an id here; a generation deleted meanwhile fails the whole batch. */
function resolvedContent(w: Writer, s: BatchStory, result: Written): Content {
  const items = s.items.map((i): Content['items'][number] => {
    let generationId: string;
    let versionId: string | null;
    if (i.generationKey !== undefined) {
      generationId = result.generationIds.get(i.generationKey)!;
      versionId = i.versionKey != null ? result.versionIds.get(`${i.generationKey}/${i.versionKey}`)! : null;
    } else {
      generationId = i.generationId!;
      versionId = i.versionId ?? null;
      if (!w.value('SELECT 1 FROM generations WHERE id = ?', [generationId])) {
        throw new HistoryError(
          'CONFLICT',
          `Story "${s.name}" places generation ${generationId}, which was deleted meanwhile. Import again.`,
        );
      }
      if (
        versionId !== null &&
        !w.value('SELECT 1 FROM generation_versions WHERE id = ? AND generation_id = ?', [versionId, generationId])
      ) {
        versionId = null; // the pinned take is gone here: the clip follows the default
      }
    }
    return [generationId, versionId, i.startMs, i.track, i.trimStartMs, i.trimEndMs, i.volume, i.fadeInMs, i.fadeOutMs];
  });
  return {
    description: s.description ?? null,
    items,
    tracks: s.tracks.filter((t) => !isDefaultTrack(t)).map((t) => [t.track, t.name, t.mute, t.solo, t.gain]),
  };
}

/** `Name`, else `Name (2)`, `Name (3)`… : the first not taken (ignoring case), at most 200 characters. */
function freeName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(nameKey(name))) return name;
  for (let n = 2; ; n++) {
    const suffix = ` (${n})`;
    const candidate = `${name.slice(0, MAX_NAME - suffix.length).trimEnd()}${suffix}`;
    if (!taken.has(nameKey(candidate))) return candidate;
  }
}

const baseName = (name: string) => nameKey(name).replace(/ \(\d+\)$/, '');

interface Here {
  id: string;
  name: string;
  description: string | null;
}

/** Writes each story of the batch (or finds it already here), in batch order; stories without items are left out. */
export function writeStories(
  w: Writer,
  stories: readonly BatchStory[],
  result: Written,
  now: number,
): Array<{ id: string; created: boolean }> {
  const here: Here[] = w.all('SELECT id, name, description FROM stories').map((r) => ({
    id: String(r.id),
    name: String(r.name),
    description: r.description == null ? null : String(r.description),
  }));
  const taken = new Set(here.map((e) => nameKey(e.name)));
  const out: Array<{ id: string; created: boolean }> = [];
  for (const s of stories) {
    if (s.items.length === 0) continue;
    const content = resolvedContent(w, s, result);
    const mine = fingerprint(content);
    const base = baseName(s.name);
    const same = here.find((e) => baseName(e.name) === base && fingerprint(storedContent(w, e.id, e.description)) === mine);
    if (same) {
      out.push({ id: same.id, created: false });
      continue;
    }
    const story: Here = { id: randomUUID(), name: freeName(s.name, taken), description: content.description };
    insertStory(w, story, content, s.createdAt ?? now, now);
    here.push(story);
    taken.add(nameKey(story.name));
    out.push({ id: story.id, created: true });
  }
  return out;
}

function insertStory(w: Writer, story: Here, content: Content, createdAt: number, now: number): void {
  w.run('INSERT INTO stories (id, name, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?)', [
    story.id,
    story.name,
    story.description,
    createdAt,
    now,
  ]);
  for (const item of content.items) {
    w.run(`INSERT INTO story_items (id, story_id, ${ITEM_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
      randomUUID(),
      story.id,
      ...item,
    ]);
  }
  for (const [track, name, mute, solo, gain] of content.tracks) {
    w.run('INSERT INTO story_tracks (story_id, track, name, mute, solo, gain) VALUES (?, ?, ?, ?, ?, ?)', [
      story.id,
      track,
      name,
      mute ? 1 : 0,
      solo ? 1 : 0,
      gain,
    ]);
  }
}
