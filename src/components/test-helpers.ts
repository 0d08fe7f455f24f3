// Mounting elements in tests (happy-dom): create, set properties, attach, wait for render.
import type { LitElement } from 'lit';

export async function mount<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
): Promise<HTMLElementTagNameMap[K]> {
  const el = document.createElement(tag);
  Object.assign(el, props);
  document.body.append(el);
  await (el as unknown as LitElement).updateComplete;
  return el;
}

/** Set properties and wait for the element to render them. */
export async function update<E extends HTMLElement>(el: E, props: Partial<E>): Promise<E> {
  Object.assign(el, props);
  await (el as unknown as LitElement).updateComplete;
  return el;
}

export function shadow(el: Element): ShadowRoot {
  const root = el.shadowRoot;
  if (!root) throw new Error(`${el.tagName} has no shadow root`);
  return root;
}

export function $$(el: Element, selector: string): Element[] {
  return [...shadow(el).querySelectorAll(selector)];
}

export function $(el: Element, selector: string): Element {
  const found = shadow(el).querySelector(selector);
  if (!found) throw new Error(`no ${selector} in ${el.tagName}`);
  return found;
}

export function text(el: Element | null | undefined): string {
  return (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** Collect the events of one type an element sends. */
export function listen<T>(el: EventTarget, type: string): CustomEvent<T>[] {
  const got: CustomEvent<T>[] = [];
  el.addEventListener(type, (e) => got.push(e as CustomEvent<T>));
  return got;
}
