/**
 * The text Go's `encoding/json` gives for a body that is not valid JSON, which koinos-jsonrpc puts
 * in the `data` of -32700 ("invalid character 'x' looking for beginning of value", "unexpected end
 * of JSON input", …). Go validates the whole input with a byte-level state machine before
 * decoding; this is that state machine, run only on bodies `JSON.parse` refused, so the error path
 * answers word for word like a Koinos node.
 */

type Step = (c: number) => void;

const enum Parse {
  ObjectKey,
  ObjectValue,
  ArrayValue,
}

/** Go's json scanner nesting limit. */
const MAX_DEPTH = 10000;

class SyntaxFailure {
  constructor(readonly message: string) {}
}

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

/** Go's `quoteChar`: the offending byte as Go's error message shows it. */
export function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return "'\"'";
  const named: Record<number, string> = { 7: "\\a", 8: "\\b", 12: "\\f", 10: "\\n", 13: "\\r", 9: "\\t", 11: "\\v", 0x5c: "\\\\" };
  if (named[c] !== undefined) return `'${named[c]}'`;
  if (c < 0x20 || c === 0x7f) return `'\\x${c.toString(16).padStart(2, "0")}'`;
  // Go quotes string(byte), i.e. the rune U+00XX: printable Latin-1 as is, the rest as \u00XX.
  if (c >= 0x80 && (c <= 0xa0 || c === 0xad)) return `'\\u00${c.toString(16).padStart(2, "0")}'`;
  return `'${String.fromCharCode(c)}'`;
}

/** Go's syntax error text for `bytes`, or undefined when Go would find the JSON valid. */
export function goSyntaxError(bytes: Uint8Array): string | undefined {
  const stack: Parse[] = [];
  let endTop = false;
  let step: Step;

  const fail = (c: number, context: string): never => {
    throw new SyntaxFailure(`invalid character ${quoteChar(c)} ${context}`);
  };
  const push = (p: Parse) => {
    stack.push(p);
    if (stack.length > MAX_DEPTH) throw new SyntaxFailure("exceeded max depth");
  };
  const literal = (rest: string, what: string, i = 0): Step => (c) => {
    const want = rest.charCodeAt(i);
    if (c !== want) fail(c, `in literal ${what} (expecting '${rest[i]}')`);
    step = i + 1 < rest.length ? literal(rest, what, i + 1) : endValue;
  };

  const endTopStep: Step = (c) => {
    if (!isSpace(c)) fail(c, "after top-level value");
  };
  const endValue: Step = (c) => {
    const n = stack.length;
    if (n === 0) {
      step = endTopStep;
      endTop = true;
      return endTopStep(c);
    }
    if (isSpace(c)) {
      step = endValue;
      return;
    }
    switch (stack[n - 1]) {
      case Parse.ObjectKey:
        if (c === 0x3a) {
          stack[n - 1] = Parse.ObjectValue;
          step = beginValue;
          return;
        }
        return fail(c, "after object key");
      case Parse.ObjectValue:
        if (c === 0x2c) {
          stack[n - 1] = Parse.ObjectKey;
          step = beginString;
          return;
        }
        if (c === 0x7d) return pop();
        return fail(c, "after object key:value pair");
      case Parse.ArrayValue:
        if (c === 0x2c) {
          step = beginValue;
          return;
        }
        if (c === 0x5d) return pop();
        return fail(c, "after array element");
    }
  };
  const pop = () => {
    stack.pop();
    if (stack.length === 0) {
      step = endTopStep;
      endTop = true;
    } else step = endValue;
  };
  const inString: Step = (c) => {
    if (c === 0x22) step = endValue;
    else if (c === 0x5c) step = inStringEsc;
    else if (c < 0x20) fail(c, "in string literal");
  };
  const inStringEsc: Step = (c) => {
    if ([0x62, 0x66, 0x6e, 0x72, 0x74, 0x5c, 0x2f, 0x22].includes(c)) step = inString;
    else if (c === 0x75) step = escU(0);
    else fail(c, "in string escape code");
  };
  const escU = (i: number): Step => (c) => {
    if (!isHex(c)) fail(c, "in \\u hexadecimal character escape");
    step = i === 3 ? inString : escU(i + 1);
  };
  const neg: Step = (c) => {
    if (c === 0x30) step = zero;
    else if (c >= 0x31 && c <= 0x39) step = one;
    else fail(c, "in numeric literal");
  };
  const one: Step = (c) => {
    if (isDigit(c)) return;
    zero(c);
  };
  const zero: Step = (c) => {
    if (c === 0x2e) step = dot;
    else if (c === 0x65 || c === 0x45) step = exp;
    else endValue(c);
  };
  const dot: Step = (c) => {
    if (isDigit(c)) step = dot0;
    else fail(c, "after decimal point in numeric literal");
  };
  const dot0: Step = (c) => {
    if (isDigit(c)) return;
    if (c === 0x65 || c === 0x45) step = exp;
    else endValue(c);
  };
  const exp: Step = (c) => {
    if (c === 0x2b || c === 0x2d) step = expSign;
    else expSign(c);
  };
  const expSign: Step = (c) => {
    if (isDigit(c)) step = exp0;
    else fail(c, "in exponent of numeric literal");
  };
  const exp0: Step = (c) => {
    if (!isDigit(c)) endValue(c);
  };
  const beginValue: Step = (c) => {
    if (isSpace(c)) return;
    switch (c) {
      case 0x7b:
        push(Parse.ObjectKey);
        step = beginStringOrEmpty;
        return;
      case 0x5b:
        push(Parse.ArrayValue);
        step = beginValueOrEmpty;
        return;
      case 0x22:
        step = inString;
        return;
      case 0x2d:
        step = neg;
        return;
      case 0x30:
        step = zero;
        return;
      case 0x74:
        step = literal("rue", "true");
        return;
      case 0x66:
        step = literal("alse", "false");
        return;
      case 0x6e:
        step = literal("ull", "null");
        return;
    }
    if (c >= 0x31 && c <= 0x39) step = one;
    else fail(c, "looking for beginning of value");
  };
  const beginValueOrEmpty: Step = (c) => {
    if (isSpace(c)) return;
    if (c === 0x5d) return endValue(c);
    beginValue(c);
  };
  const beginStringOrEmpty: Step = (c) => {
    if (isSpace(c)) return;
    if (c === 0x7d) {
      stack[stack.length - 1] = Parse.ObjectValue;
      return endValue(c);
    }
    beginString(c);
  };
  const beginString: Step = (c) => {
    if (isSpace(c)) return;
    if (c === 0x22) step = inString;
    else fail(c, "looking for beginning of object key string");
  };

  step = beginValue;
  try {
    for (const c of bytes) step(c);
    // Go's scanner.eof(): feed one space; the value must then be complete.
    if (endTop) return undefined;
    step(0x20);
    return endTop ? undefined : "unexpected end of JSON input";
  } catch (e) {
    if (e instanceof SyntaxFailure) return e.message;
    throw e;
  }
}
