// What a notification may say: sentences for a person. Error messages are built all over the
// code (ours, the engines', a server's body, Node's), and some carry text meant for a developer:
// stack frames, a JSON body, a code example. The log keeps the original; a toast gets this.

/** The longest text a notification shows before it reads as a dump. */
const MAX_TOAST_CHARS = 600;

/** Where a stack frame points: a file (path or URL) with line and column. */
const FRAME_LOCATION = String.raw`(?:[a-z][\w+.-]*:\/\/|\/|[A-Za-z]:\\|node:)[^\s()]*(?::\d+){1,2}`;
/** One stack frame, on its own line or flattened into a sentence: "at fn (/file.js:1:2)", "at /file.js:1:2". */
const STACK_FRAME = new RegExp(
  String.raw`\s*\bat (?:async )?(?:(?:new )?[^\s()]+(?: \[as [^\]]+\])? \((?:${FRAME_LOCATION}|native|<anonymous>)\)|${FRAME_LOCATION})`,
  'g',
);

/** A message without stack frames, JSON bodies or code examples, on one line and not too long. */
export function plainMessage(text: string): string {
  let out = text.replace(STACK_FRAME, '');
  out = withoutJson(out);
  out = out
    .replace(/\s+/g, ' ')
    .replace(/\s+([.,;:)])/g, '$1')
    .replace(/\(\s*\)/g, '')
    .replace(/:\s*\./g, '.')
    .replace(/\s{2,}/g, ' ')
    .trim();
  if (out.length > MAX_TOAST_CHARS) out = `${out.slice(0, MAX_TOAST_CHARS - 1).trimEnd()}…`;
  return out;
}

/**
 * Each `{…}` (and `[{…}]`) in the text: a JSON body that says a message becomes that message,
 * anything else (a body without one, a code example) is left out.
 */
function withoutJson(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const open = text[i] === '[' && text[i + 1] === '{' ? i : text[i] === '{' ? i : -1;
    if (open < 0) {
      out += text[i];
      i++;
      continue;
    }
    const end = closing(text, open);
    if (end < 0) {
      // Cut off (a clipped body): nothing after it is a sentence.
      break;
    }
    const said = messageIn(text.slice(open, end + 1));
    out += said ? ` ${said} ` : ' ';
    i = end + 1;
  }
  return out;
}

/** Index of the bracket that closes the one at `start` (strings respected), or -1. */
function closing(text: string, start: number): number {
  const stack: string[] = [];
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') stack.push(c === '{' ? '}' : ']');
    else if (c === '}' || c === ']') {
      if (stack.pop() !== c) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

/** The human message a JSON error body carries (`message`, `error.message`, `detail`, `msg`), if any. */
function messageIn(json: string): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  const find = (v: unknown, depth: number): string | undefined => {
    if (depth > 3 || v === null || typeof v !== 'object') return undefined;
    if (Array.isArray(v)) return find(v[0], depth + 1);
    const o = v as Record<string, unknown>;
    for (const key of ['message', 'msg', 'detail', 'error', 'error_description']) {
      const inner = o[key];
      if (typeof inner === 'string' && inner.trim() && !/^[[{]/.test(inner.trim())) return inner.trim();
      const nested = find(inner, depth + 1);
      if (nested) return nested;
    }
    return undefined;
  };
  const said = find(value, 0);
  return said ? plainMessage(said).replace(/\.$/, '') : undefined;
}
