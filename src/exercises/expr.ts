// The arithmetic a check may do on bound variables: "$x + 1", "$y+1", "$s + $len - 1", "1000".
// Deliberately tiny (numbers, $names, + and -): enough for sequence-number reasoning, small enough
// that a teacher cannot write a program by accident, and parsed once at validation time.

export interface ExprTerm {
  sign: 1 | -1;
  /** A number literal, or … */
  num?: number;
  /** … the name of a bound variable (without the $). */
  name?: string;
}

export interface Expr {
  /** The text as written, for messages and evidence. */
  source: string;
  terms: ExprTerm[];
}

/** Variable values: numbers from numeric fields, strings from string fields (addresses, states…). */
export type Vars = Readonly<Record<string, number | string | boolean>>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parse; a reason a teacher can act on instead of an exception. */
export function parseExpr(source: string): { ok: true; expr: Expr } | { ok: false; reason: string } {
  const tokens = source.match(/\$[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|[+-]|\S/g) ?? [];
  if (tokens.length === 0) return { ok: false, reason: `empty expression` };
  const terms: ExprTerm[] = [];
  let sign: 1 | -1 = 1;
  let expectOperand = true;
  for (const tok of tokens) {
    if (tok === '+' || tok === '-') {
      if (expectOperand) {
        // A unary sign ("-1", "$x + -2").
        if (tok === '-') sign = sign === 1 ? -1 : 1;
        continue;
      }
      sign = tok === '-' ? -1 : 1;
      expectOperand = true;
      continue;
    }
    if (!expectOperand) return { ok: false, reason: `expected + or - before "${tok}" in "${source}"` };
    if (tok.startsWith('$')) {
      const name = tok.slice(1);
      if (!NAME.test(name)) return { ok: false, reason: `bad variable name "${tok}" in "${source}"` };
      terms.push({ sign, name });
    } else if (/^\d/.test(tok)) {
      terms.push({ sign, num: Number(tok) });
    } else {
      return { ok: false, reason: `unexpected "${tok}" in "${source}" (only numbers, $variables, + and - are allowed)` };
    }
    sign = 1;
    expectOperand = false;
  }
  if (expectOperand) return { ok: false, reason: `"${source}" ends with an operator` };
  return { ok: true, expr: { source, terms } };
}

/** The variables an expression reads. */
export function exprVars(expr: Expr): string[] {
  const out: string[] = [];
  for (const t of expr.terms) if (t.name !== undefined) out.push(t.name);
  return out;
}

/** True when the expression is just "$name": the only form allowed for string fields. */
export function isBareVar(expr: Expr): boolean {
  const t = expr.terms[0];
  return expr.terms.length === 1 && t !== undefined && t.name !== undefined && t.sign === 1;
}

/**
 * Evaluate. A bare "$name" yields the variable as bound (string or number); arithmetic needs
 * numbers. undefined when a variable is unbound or not a number: the comparison then fails.
 */
export function evalExpr(expr: Expr, vars: Vars | null): number | string | boolean | undefined {
  const terms = expr.terms;
  if (terms.length === 1) {
    const t = terms[0] as ExprTerm;
    if (t.name === undefined) return t.sign * (t.num as number);
    const v = vars?.[t.name];
    if (v === undefined) return undefined;
    if (t.sign === 1) return v;
    return typeof v === 'number' ? -v : undefined;
  }
  let sum = 0;
  for (const t of terms) {
    if (t.name === undefined) {
      sum += t.sign * (t.num as number);
      continue;
    }
    const v = vars?.[t.name];
    if (typeof v !== 'number') return undefined;
    sum += t.sign * v;
  }
  return sum;
}
