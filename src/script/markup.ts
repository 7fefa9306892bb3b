// HTML-like markup shared by Markdown and subtitles: tags are not spoken, entities are their character.

const TAG = /<\/?[A-Za-z][A-Za-z0-9-]{0,50}(?:[\s.][^<>]{0,2000})?\/?>/g;
const ENTITY = /&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|amp|lt|gt|quot|apos|nbsp|lrm|rlm);/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', lrm: '', rlm: '' };

const BREAK = /<(?:br|p|div|hr)\b[^<>]{0,2000}>/gi;

/** Tags such as <i>, </b>, <font color="red"> or <c.loud> go; a line break (<br>) is a space. */
export function stripTags(text: string): string {
  return text.indexOf('<') < 0 ? text : text.replace(BREAK, ' ').replace(TAG, '');
}

export function decodeEntities(text: string): string {
  return text.indexOf('&') < 0 ? text : text.replace(ENTITY, entity);
}

function entity(_whole: string, name: string): string {
  if (name[0] !== '#') return NAMED[name]!;
  const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
}
