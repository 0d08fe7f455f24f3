// Mounting the app's elements in happy-dom tests (the components' helpers, re-exported, plus
// typing into inputs the way a user does).
export { mount, update, shadow, $, $$, text, listen } from '../components/test-helpers.ts';
import type { LitElement } from 'lit';

/** Set an input's value and fire 'input', as typing does; then wait for the element to render. */
export async function type(host: Element, input: HTMLInputElement, value: string): Promise<void> {
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  await (host as LitElement).updateComplete;
}

export async function click(host: Element, el: Element): Promise<void> {
  (el as HTMLElement).click();
  await (host as LitElement).updateComplete;
}
