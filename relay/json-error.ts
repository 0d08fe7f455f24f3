// Where a JSON text (RFC 8259) stops being valid, found without quoting it: V8's JSON.parse
// messages include a slice of the input ("Unexpected token 'x', "...text..." is not valid
// JSON"), and a pack file's contents must not leak into a listing or a log.

/** The offset of the first character that makes `text` invalid JSON (text.length when it ends
 *  too early), or null when it is valid. */
export function jsonErrorOffset(text: string): number | null {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const literal = (word: string): void => {
    for (const ch of word) {
      if (text[i] !== ch) fail();
      i++;
    }
  };
  const digits = (): void => {
    if (!(text[i]! >= '0' && text[i]! <= '9')) fail();
    while (text[i]! >= '0' && text[i]! <= '9') i++;
  };
  const number = (): void => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') {
      i++;
      digits();
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits();
    }
  };
  const string = (): void => {
    i++; // the opening quote
    for (;;) {
      if (i >= text.length) fail();
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail(); // RFC 8259 §7: control characters must be escaped
      if (c === 0x5c) {
        i++;
        const e = text[i];
        if (e === 'u') {
          for (let k = 1; k <= 4; k++) if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) ((i += k), fail());
          i += 5;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i++;
        else fail();
        continue;
      }
      i++;
    }
  };
  // Iterative over nesting depth, so a deeply nested file cannot overflow the stack.
  const value = (): void => {
    const closers: string[] = [];
    for (;;) {
      ws();
      const c = text[i];
      let scalar = true;
      if (c === '{' || c === '[') {
        i++;
        ws();
        const close = c === '{' ? '}' : ']';
        if (text[i] === close) i++;
        else {
          closers.push(close);
          scalar = false;
          if (close === '}') {
            if (text[i] !== '"') fail();
            string();
            ws();
            if (text[i] !== ':') fail();
            i++;
          }
        }
      } else if (c === '"') string();
      else if (c === 't') literal('true');
      else if (c === 'f') literal('false');
      else if (c === 'n') literal('null');
      else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) number();
      else fail();
      if (!scalar) continue;
      // After a value: a comma opens the next one, a closer ends containers.
      for (;;) {
        if (closers.length === 0) return;
        ws();
        const close = closers[closers.length - 1]!;
        if (text[i] === close) {
          i++;
          closers.pop();
          continue;
        }
        if (text[i] !== ',') fail();
        i++;
        if (close === '}') {
          ws();
          if (text[i] !== '"') fail();
          string();
          ws();
          if (text[i] !== ':') fail();
          i++;
        }
        break;
      }
    }
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return null;
  } catch (at) {
    if (typeof at === 'number') return Math.min(at, text.length);
    throw at;
  }
}

/** "not valid JSON at line L, column C" for a text JSON.parse refused; never any of the text. */
export function describeJsonError(text: string): string {
  const at = jsonErrorOffset(text);
  if (at === null) return 'not valid JSON';
  if (at >= text.length) return `not valid JSON: it ends too early (after ${text.length} characters)`;
  let line = 1;
  let lineStart = 0;
  for (let k = 0; k < at; k++) {
    if (text[k] === '\n') {
      line++;
      lineStart = k + 1;
    }
  }
  return `not valid JSON at line ${line}, column ${at - lineStart + 1}`;
}
