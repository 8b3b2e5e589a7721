/** Go's encoding/json syntax error texts (vectors from Go's decode_test.go and scanner rules). */
import { describe, expect, test } from "bun:test";
import { goSyntaxError } from "./go-syntax-error.ts";

const err = (text: string) => goSyntaxError(new TextEncoder().encode(text));

describe("goSyntaxError", () => {
  test.each([
    ['{"X": "foo", "Y"}', "invalid character '}' after object key"],
    ["[1, 2, 3+]", "invalid character '+' after array element"],
    ['{"X":12x}', "invalid character 'x' after object key:value pair"],
    ["[2, 3", "unexpected end of JSON input"],
    ["\x01 42", "invalid character '\\x01' looking for beginning of value"],
    [" 42 \x01", "invalid character '\\x01' after top-level value"],
    ['{"nodes": [{"id":"123",}]}', "invalid character '}' looking for beginning of object key string"],
    ['{"nodes": [{"id":"123"]}', "invalid character ']' after object key:value pair"],
    ['{"nodes": [{id:"123"}]}', "invalid character 'i' looking for beginning of object key string"],
    ["[1 2]", "invalid character '2' after array element"],
    ["trx", "invalid character 'x' in literal true (expecting 'u')"],
    ["nul!", "invalid character '!' in literal null (expecting 'l')"],
    ["falsy", "invalid character 'y' in literal false (expecting 'e')"],
    ['"\\q"', "invalid character 'q' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ['"a\nb"', "invalid character '\\n' in string literal"],
    ["1.e5", "invalid character 'e' after decimal point in numeric literal"],
    ["-x", "invalid character 'x' in numeric literal"],
    ["1ex", "invalid character 'x' in exponent of numeric literal"],
    ["01", "invalid character '1' after top-level value"],
    ["'a'", "invalid character '\\'' looking for beginning of value"],
    ["{not json", "invalid character 'n' looking for beginning of object key string"],
    ["", "unexpected end of JSON input"],
    ["   ", "unexpected end of JSON input"],
    ['{"id":1,', "unexpected end of JSON input"],
    ['"abc', "unexpected end of JSON input"],
    // Go's eof() feeds one space: an unfinished literal or number fails on it.
    ["tru", "invalid character ' ' in literal true (expecting 'e')"],
    ["-", "invalid character ' ' in numeric literal"],
    ["\u00e9", "invalid character 'Ã' looking for beginning of value"],
    ["\u00a0", "invalid character 'Â' looking for beginning of value"],
  ])("%p → %s", (text, expected) => {
    expect(err(text)).toBe(expected);
  });

  test.each(['{"a":[1,-2.5e+3,true,false,null,"x\\u00e9\\n"],"b":{}}', " 42 ", "[]", '""', "0", "-0.0E-1"])("valid JSON %p → undefined", (text) => {
    expect(err(text)).toBeUndefined();
  });

  test("nesting deeper than Go's limit", () => {
    expect(err("[".repeat(10001))).toBe("exceeded max depth");
  });
});
