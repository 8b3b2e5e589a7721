import { expect, test } from "bun:test";
import { groupThousands } from "./banner.ts";

test("groupThousands writes numbers as toLocaleString('en-US') does", () => {
  for (const n of [0, 7, 999, 1000, 12_345, 1_000_000, 100_000_000, 1_234_567_890]) expect(groupThousands(n)).toBe(n.toLocaleString("en-US"));
  expect(groupThousands(-1_234_567)).toBe("-1,234,567");
  expect(groupThousands(123_456_789_012_345_678n)).toBe("123,456,789,012,345,678");
});
