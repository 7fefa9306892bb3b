/**
 * What the player showed, kept in the webview's state so the page's first frame can show it again:
 * VS Code releases a hidden player (collapsed, or its side bar switched away) and starts the page
 * afresh when it comes back, and the text would otherwise appear only after two round trips to
 * the host, with "Nothing selected." on screen until then. Copied from the screen itself, so it is
 * whatever ./render wrote; the host's answer replaces it a moment later.
 */

/** The parts of ./layout's skeleton this touches (no DOM types: ./state, tested in Node, imports this). */
interface Part {
  textContent: string | null;
  hidden: boolean;
}
type Skeleton = Record<'empty' | 'player' | 'text' | 'subtitle' | 'favoriteMark', Part>;

export interface ShownSummary {
  text: string;
  subtitle: string;
  favorite: boolean;
}

/** More than the text box shows before it scrolls, less than a long take's whole script. */
const MAX_TEXT = 2000;
const MAX_SUBTITLE = 300;

/** What the player has on screen now (after ./render filled it in). */
export function rememberShown(ui: Skeleton): ShownSummary {
  return {
    text: (ui.text.textContent ?? '').slice(0, MAX_TEXT),
    subtitle: (ui.subtitle.textContent ?? '').slice(0, MAX_SUBTITLE),
    favorite: !ui.favoriteMark.hidden,
  };
}

/** A saved summary, checked (the state may come from an older page or hand-edited storage). */
export function checkShown(raw: unknown): ShownSummary | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const s = raw as Record<keyof ShownSummary, unknown>;
  if (typeof s.text !== 'string' || typeof s.subtitle !== 'string' || typeof s.favorite !== 'boolean') return undefined;
  return { text: s.text.slice(0, MAX_TEXT), subtitle: s.subtitle.slice(0, MAX_SUBTITLE), favorite: s.favorite };
}

/** Shows the remembered text and voice line in the skeleton, before anything is asked of the host. */
export function paintShown(ui: Skeleton, shown: ShownSummary): void {
  ui.empty.hidden = true;
  ui.player.hidden = false;
  ui.text.textContent = shown.text;
  ui.subtitle.textContent = shown.subtitle;
  ui.favoriteMark.hidden = !shown.favorite;
}
