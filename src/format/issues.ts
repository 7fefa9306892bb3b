// One way to put schema problems (zod issues) into a sentence for a person: every problem on one
// line, each with where it is. zod's own z.prettifyError writes one "✖ … → at path" block per
// line, which does not fit a notification or a one-line error message.

/** What a problem needs to say: where (the path inside the value) and what is wrong. */
export interface IssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

export interface DescribeIssuesOptions<I extends IssueLike> {
  /** What to call the value itself, for a problem with an empty path; without it, only the message. */
  whole?: string;
  /** Words added after one problem's message (e.g. the known fields for an unknown key). */
  more?: (issue: I) => string;
}

/** "where: what; where: what" (paths dotted: `voices.0`). */
export function describeIssues<I extends IssueLike>(issues: readonly I[], options: DescribeIssuesOptions<I> = {}): string {
  return issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.map(String).join('.') : options.whole;
      return `${where ? `${where}: ` : ''}${issue.message}${options.more?.(issue) ?? ''}`;
    })
    .join('; ');
}

/** `generations[3].versions[0].sampleRate`: a path the way it reads in the JSON it points into. */
export function issuePath(path: readonly PropertyKey[], whole: string): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? whole : out;
}

/**
 * The first problem only, "where: what", for messages about one file the user must fix (the
 * first bad field is where to start); `countMore` adds "(and 2 more problem(s))".
 */
export function describeFirstIssue(issues: readonly IssueLike[], options: { whole: string; countMore?: boolean }): string {
  const issue = issues[0];
  const more = options.countMore && issues.length > 1 ? ` (and ${issues.length - 1} more problem(s))` : '';
  return `${issuePath(issue?.path ?? [], options.whole)}: ${issue?.message ?? 'invalid'}${more}`;
}
