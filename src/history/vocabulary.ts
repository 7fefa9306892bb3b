// The indexed words, kept in memory for substring lookups (a scan of a JS array is several times
// faster than LIKE over the search_terms table). Loaded on first use; grows as rows are indexed
// (the SQL function the triggers call reports their words); may hold words whose rows were
// deleted since, which only costs a lookup. Dropped when the database is reloaded wholesale.
import type { Reader } from '../store/database';

export class Vocabulary {
  private terms: Set<string> | undefined;
  private list: string[] | undefined;

  /** Words of a row just indexed (called from inside SQL; must not touch the database). */
  readonly onNewTerms = (words: readonly string[]): void => {
    if (!this.terms) return;
    for (const w of words) {
      if (!this.terms.has(w)) {
        this.terms.add(w);
        this.list = undefined;
      }
    }
  };

  invalidate(): void {
    this.terms = undefined;
    this.list = undefined;
  }

  private all(r: Reader): string[] {
    if (!this.terms) this.terms = new Set(r.all('SELECT term FROM search_terms').map((x) => String(x.term)));
    this.list ??= [...this.terms];
    return this.list;
  }

  /** Up to `limit` + 1 words matching `test`, with how many generations contain each (words gone since are dropped). */
  find(r: Reader, test: (term: string) => boolean, limit: number): Array<{ term: string; docs: number }> | 'too many' {
    const hits: string[] = [];
    for (const t of this.all(r)) {
      if (test(t)) {
        hits.push(t);
        if (hits.length > limit * 2) break;
      }
    }
    if (hits.length === 0) return [];
    if (hits.length > limit * 2) return 'too many';
    const found = r.all(`SELECT term, docs FROM search_terms WHERE term IN (${hits.map(() => '?').join(',')})`, hits).map((x) => ({
      term: String(x.term),
      docs: Number(x.docs),
    }));
    return found.length > limit ? 'too many' : found;
  }
}
