// Appending committed transactions to the journal: one append handle per journal file (checked
// against the inode the store follows), each frame synced before the transaction counts as done.
import { promises as fsp } from 'node:fs';
import { HistoryError, ioError } from './errors';

export interface AppendTarget {
  journalPath: string;
  dir: string;
  /** Inode of the journal the store follows (0: none, the journal vanished). */
  followedIno: () => number;
  /** Writes a fresh snapshot + journal pair (when the journal vanished). */
  startFresh: () => Promise<void>;
  /** Undoes a partly written frame. */
  cutBack: () => Promise<void>;
}

export class JournalAppender {
  private handle: fsp.FileHandle | undefined;
  private handleIno = 0;

  constructor(private readonly target: AppendTarget) {}

  async append(frame: Buffer): Promise<void> {
    let fh: fsp.FileHandle;
    try {
      fh = await this.file();
    } catch (e) {
      throw ioError(e, 'save the history', this.target.dir);
    }
    try {
      let off = 0;
      while (off < frame.length) {
        const { bytesWritten } = await fh.write(frame, off, frame.length - off);
        off += bytesWritten;
      }
      await fh.datasync();
    } catch (e) {
      await this.target.cutBack();
      throw ioError(e, 'save the history', this.target.dir);
    }
  }

  async close(): Promise<void> {
    const fh = this.handle;
    this.handle = undefined;
    this.handleIno = 0;
    await fh?.close().catch(() => undefined);
  }

  private async file(): Promise<fsp.FileHandle> {
    if (this.handle && this.handleIno === this.target.followedIno()) return this.handle;
    await this.close();
    if (this.target.followedIno() === 0) {
      // The journal vanished (deleted by hand): start a fresh snapshot + journal pair.
      await this.target.startFresh();
    }
    const fh = await fsp.open(this.target.journalPath, 'a');
    const st = await fh.stat();
    if (st.ino !== this.target.followedIno()) {
      await fh.close();
      throw new HistoryError('IO', 'The history journal was replaced while opening it; try again.');
    }
    this.handle = fh;
    this.handleIno = st.ino;
    return fh;
  }
}

/** Cuts the journal back to `length` and syncs the cut (an interrupted or failed append). */
export async function truncateJournal(journalPath: string, length: number): Promise<void> {
  await fsp.truncate(journalPath, length);
  const fh = await fsp.open(journalPath, 'r+');
  try {
    await fh.datasync();
  } finally {
    await fh.close();
  }
}
