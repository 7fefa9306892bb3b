// Audio files of an import that has not committed yet belong to no row, and a moved file keeps
// its old extraction time, so the orphan check (and reconcile, in any window) would take them
// for orphans and delete them. An import therefore claims its files first: a claim file
// `imports/<host>-<pid>-<token>.claim` beside the database lists the owner and then, one line
// each, the relative path of every file before it is stored. Claimed files are never orphans
// while the owner lives (same host: its pid runs and started when the owner did; another host:
// the claim was written to within a day). Claims of dead processes are removed when read.
import { randomUUID } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isAlive, processStart } from '../store/lock';

const CLAIMS_DIR = 'imports';
const OTHER_HOST_LIVE_MS = 24 * 3600_000;

interface ClaimOwner {
  pid: number;
  host: string;
  start?: string;
}

/** One in-flight import's claim; `release()` once its rows are committed or its files removed. */
export interface ImportClaim {
  add(relativePath: string): Promise<void>;
  release(): Promise<void>;
}

export class ImportClaims {
  private readonly dir: string;

  constructor(storageDir: string) {
    this.dir = path.join(storageDir, CLAIMS_DIR);
  }

  async claim(): Promise<ImportClaim> {
    await fsp.mkdir(this.dir, { recursive: true });
    const owner: ClaimOwner = { pid: process.pid, host: os.hostname(), start: processStart(process.pid) };
    const file = path.join(this.dir, `${owner.host.replace(/[^A-Za-z0-9._]/g, '_').slice(0, 64)}-${process.pid}-${randomUUID()}.claim`);
    await fsp.writeFile(file, `${JSON.stringify(owner)}\n`, { flag: 'wx' });
    return {
      // Appended before the file is stored, so a listing that sees the file sees its claim.
      add: (relativePath) => fsp.appendFile(file, `${JSON.stringify(relativePath)}\n`),
      release: () => fsp.rm(file, { force: true }),
    };
  }

  /** Relative paths claimed by imports whose owner still runs. Read after listing the audio files. */
  async claimedFiles(): Promise<Set<string>> {
    const claimed = new Set<string>();
    let names: string[];
    try {
      names = (await fsp.readdir(this.dir)).filter((n) => n.endsWith('.claim'));
    } catch {
      return claimed;
    }
    for (const name of names) {
      const file = path.join(this.dir, name);
      let text: string;
      let mtimeMs: number;
      try {
        [text, { mtimeMs }] = await Promise.all([fsp.readFile(file, 'utf8'), fsp.stat(file)]);
      } catch {
        continue; // released meanwhile
      }
      const [head, ...paths] = text.split('\n');
      let owner: ClaimOwner | undefined;
      try {
        owner = JSON.parse(head) as ClaimOwner;
      } catch {
        // written just now (or torn by a crash): counted live, judged by age when old
        if (Date.now() - mtimeMs > OTHER_HOST_LIVE_MS) await fsp.rm(file, { force: true }).catch(() => undefined);
        continue;
      }
      if (!ownerLive(owner, mtimeMs)) {
        await fsp.rm(file, { force: true }).catch(() => undefined);
        continue;
      }
      for (const line of paths) {
        try {
          if (line) claimed.add(String(JSON.parse(line)));
        } catch {
          // a line cut by a crash: its file was not stored yet
        }
      }
    }
    return claimed;
  }
}

function ownerLive(owner: ClaimOwner, mtimeMs: number): boolean {
  if (owner.host !== os.hostname()) return Date.now() - mtimeMs < OTHER_HOST_LIVE_MS;
  if (!isAlive(owner.pid)) return false;
  const start = owner.start !== undefined ? processStart(owner.pid) : undefined;
  return start === undefined || start === owner.start;
}
