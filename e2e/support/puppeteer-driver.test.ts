// The selector split of the Firefox driver (puppeteer-driver.ts): its page-side query walks the
// compounds one descendant step at a time, so a space inside brackets, parentheses or quotes must
// stay inside its compound.
import { describe, expect, it } from 'vitest';
import { compounds } from './puppeteer-driver.ts';

describe('compounds', () => {
  it('splits at descendant combinators only', () => {
    expect(compounds('pg-socket-panel section[aria-label=listen] input')).toEqual(['pg-socket-panel', 'section[aria-label=listen]', 'input']);
    expect(compounds('  pg-hosts-panel   button[aria-label="connect to echo"] ')).toEqual(['pg-hosts-panel', 'button[aria-label="connect to echo"]']);
    expect(compounds("a[title='x y'] b:not(.c .d) [data-bytes]")).toEqual(["a[title='x y']", 'b:not(.c .d)', '[data-bytes]']);
    expect(compounds('tcp-ladder g.arrow')).toEqual(['tcp-ladder', 'g.arrow']);
  });
});
