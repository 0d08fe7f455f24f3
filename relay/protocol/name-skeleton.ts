// A "looks like" form of a display name, to tell when a name is a disguised reserved name
// ("Еcho" with a Cyrillic Е, "ｅｃｈｏ", "e c h o", "ech0" all read as the echo bot in a host list).
//
// This follows the idea of the skeleton of Unicode Technical Standard #39 (§4, "Confusable
// Detection"): two strings are confusable when their skeletons are equal. The full UTS #39 table
// (confusables.txt, some 6,000 mappings) is not shipped: the relay only needs to know whether a
// name could be read as one of a few short ASCII words, so this keeps the part of it that maps
// characters onto the ASCII letters and digits, and folds case and separators as a reader's eye
// does. No npm package fits (the UTS #39 ones are years behind Unicode or built for other jobs),
// and this file also runs in the page (src/app/validation.ts), so it must stay small.
//
// Steps, each applied to both the name and the reserved words:
//  1. NFKD (UAX #15): fullwidth, mathematical, circled and ligature forms become plain letters
//     (ｅ, 𝐞, ⓔ → e; ﬁ → fi), accented letters split into letter + combining mark;
//  2. combining marks are removed (é → e, and marks stacked on a letter to disguise it);
//  3. letters of other scripts that look like an ASCII letter become that letter (the table
//     below, from confusables.txt's mappings onto ASCII: Cyrillic, Greek, Armenian, Cherokee,
//     Coptic, Latin small capitals, digits of other scripts), then everything is lower-cased;
//  4. letters that look alike in common fonts are merged: i, l, 1 and | (capital I is an l in
//     sans-serif fonts) read as "l", 0 reads as "o"; "rn" reads as "m", "vv" as "w", "cl" as "d";
//  5. everything that is not a letter or a digit (spaces, dots, dashes, symbols, invisible
//     characters) is removed, so "e.c.h.o" and "e c h o" are "echo".

/** Look-alikes onto one ASCII letter (the target, lower case). Upper and lower case forms
 *  are listed apart because lower-casing first would turn e.g. Greek Η (looks like H) into η
 *  (looks like n). */
const LOOKALIKES: Readonly<Record<string, string>> = {
  a: 'аАαΑɑᴀᎪꓮ',
  b: 'ЬВΒʙƄᏴᏼꓐ',
  c: 'сСϲϹᴄᏟⲥⲤꓚ',
  d: 'ԁᴅᎠꓓ',
  e: 'еЕΕᴇҽᎬ℮ꓰ',
  f: 'Ϝꓝ',
  g: 'ɡցԌᏀɢꓖ',
  h: 'һНΗᎻհʜꓧ',
  l: 'іІӏӀιΙıɩᎥǀ׀اߊ١۱|ⲓꓲ',
  j: 'јЈϳᎫꓙ',
  k: 'КкΚκᏦᴋⲕⲔꓗ',
  m: 'МмΜᎷᴍꓟ',
  n: 'ΝηոпɴꓠⲚ',
  o: 'оОοΟσՕօסه०০๐໐ᴏⲟⲞ٥۵〇○◯ꓳ',
  p: 'рРρΡᏢᴘⲣⲢꓑ',
  q: 'ԛԚգզ',
  r: 'гᴦᎡᏒʀꓣ',
  s: 'ѕЅᏚᏕꜱꓢ',
  t: 'ТтΤτᎢᴛꓔ',
  u: 'սυʋᴜꓴ',
  v: 'νѵѴᴠᏙꓦ',
  w: 'ԝԜᴡᎳᏔωꓪ',
  x: 'хХχΧ×Ⲭⲭꓫ',
  y: 'уУҮүγΥʏᎩᎽꓬ',
  z: 'ΖᏃᴢꓜ',
};

const TABLE: ReadonlyMap<string, string> = (() => {
  const m = new Map<string, string>();
  for (const [target, chars] of Object.entries(LOOKALIKES)) for (const c of chars) m.set(c, target);
  return m;
})();

const MARKS = /\p{M}/gu;
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;
const NOT_ALNUM = /[^\p{L}\p{N}]/gu;

/** The look-alike form of `text` (see the steps above); equal skeletons read the same. */
export function skeleton(text: string): string {
  let out = '';
  for (const c of text.normalize('NFKD').replace(MARKS, '').replace(IGNORABLE, '')) out += TABLE.get(c) ?? c.toLowerCase();
  return out
    .replace(/[i1]/g, 'l')
    .replace(/0/g, 'o')
    .replace(NOT_ALNUM, '')
    .replace(/rn/g, 'm')
    .replace(/vv/g, 'w')
    .replace(/cl/g, 'd');
}
