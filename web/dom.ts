/**
 * The page's only way to make elements. Text goes in through `textContent` and attributes through
 * `setAttribute`, never through `innerHTML`, so user content (names, messages, room ids) cannot
 * become markup.
 */
export interface ElementProps {
  readonly class?: string;
  readonly text?: string;
  readonly attrs?: Readonly<Record<string, string | undefined>>;
}

/** Creates `<tag>` with the given class, text, attributes and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: ElementProps = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.class) node.className = props.class;
  if (props.text !== undefined) node.textContent = props.text;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    if (value !== undefined) node.setAttribute(name, value);
  }
  // Strings become text nodes: append() never parses them as markup.
  node.append(...children);
  return node;
}

/** The element with this id; a missing one is a bug in `index.html`, so it throws. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from index.html`);
  return node as T;
}

/** A form's named control. */
export function field(form: HTMLFormElement, name: string): HTMLInputElement {
  const control = form.elements.namedItem(name);
  if (!(control instanceof HTMLInputElement)) throw new Error(`form #${form.id} has no input "${name}"`);
  return control;
}

/** Formats epoch milliseconds as a short local time (hh:mm). */
export function clock(ts: number): string {
  return new Date(ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
