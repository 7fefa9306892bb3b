// Which lines of the sample script the first run speaks: the script is the document's last
// paragraph (the ones before it are the title and how-to); each of its lines is one generation.

export interface ScriptLine {
  /** 0-based line number in the document. */
  line: number;
  text: string;
}

export function scriptLines(document: string, max = 5): ScriptLine[] {
  const lines = document.split(/\r?\n/);
  const paragraphs: ScriptLine[][] = [];
  let current: ScriptLine[] = [];
  lines.forEach((text, line) => {
    if (text.trim() === '') {
      if (current.length > 0) paragraphs.push(current);
      current = [];
    } else if (!/^\s*#/.test(text)) {
      current.push({ line, text });
    }
  });
  if (current.length > 0) paragraphs.push(current);
  return (paragraphs.at(-1) ?? []).slice(0, max);
}
