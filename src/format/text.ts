// Short texts for rows, titles and messages, shared by the tree, quick picks and dialogs.

/** The first non-empty line of a generation's text, shortened for a tree row. */
export function firstLine(text: string, max = 80): string {
  const line =
    text
      .split(/\r?\n/)
      .find((l) => l.trim().length > 0)
      ?.trim() ?? '';
  const flat = line.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
