/**
 * Building DOM without HTML strings: every text from the history goes in through `textContent`
 * (never `innerHTML`), so an imported generation's text is shown literally, whatever it contains.
 */
type Attrs = Record<string, string | number | boolean | null | undefined>;
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs?: Attrs, ...children: Child[]): HTMLElementTagNameMap[K];
export function h(tag: string, attrs?: Attrs, ...children: Child[]): HTMLElement;
export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) setAttr(el, name, value);
  append(el, ...children);
  return el;
}

export function append(el: Element, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** `true` sets an empty attribute, `false`/null/undefined removes it. */
export function setAttr(el: Element, name: string, value: string | number | boolean | null | undefined): void {
  if (value === false || value === null || value === undefined) el.removeAttribute(name);
  else el.setAttribute(name, value === true ? '' : String(value));
}

/** Replaces an element's children. */
export function replaceChildren(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, ...children);
}

/** A codicon as a decorative span (the font comes from the bundle's codicon.css). */
export function icon(name: string): HTMLSpanElement {
  return h('span', { class: `codicon codicon-${name}`, 'aria-hidden': 'true' });
}

/** A compact icon button from @vscode-elements: labelled for screen readers, tooltip with its shortcut. */
export function toolbarButton(iconName: string, label: string, tooltip: string = label): HTMLElement {
  return h('vscode-toolbar-button', { icon: iconName, label, title: tooltip });
}

/** Updates a toolbar button's icon, label and tooltip together. */
export function setButton(el: HTMLElement, iconName: string, label: string, tooltip: string = label): void {
  setAttr(el, 'icon', iconName);
  setAttr(el, 'label', label);
  setAttr(el, 'title', tooltip);
}
