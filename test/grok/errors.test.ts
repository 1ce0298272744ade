import { describe, expect, it } from "vitest";
import { compileGrok, GrokError } from "../../src/grok/index.js";

function errorOf(f: () => unknown): GrokError {
  try {
    f();
  } catch (e) {
    if (e instanceof GrokError) return e;
    throw e;
  }
  throw new Error("expected a GrokError");
}

describe("pattern errors name the pattern and the position", () => {
  it("unknown pattern name", () => {
    const e = errorOf(() => compileGrok("id=%{INT:id} sku=%{SKU:sku}"));
    expect(e.message).toBe('Unknown grok pattern SKU in %{SKU:sku} at position 17 of pattern "id=%{INT:id} sku=%{SKU:sku}"');
    expect([e.position, e.source]).toEqual([17, "pattern"]);
  });

  it("unknown name inside a user definition", () => {
    const e = errorOf(() => compileGrok("%{A:a}", { definitions: { A: "x%{NOPE}" } }));
    expect(e.message).toBe('Unknown grok pattern NOPE in %{NOPE} at position 1 of definition A (used by pattern "%{A:a}")');
    expect([e.position, e.source]).toEqual([1, "A"]);
  });

  it("a field name starting with a digit, which grok-js's oniguruma refuses too", () => {
    const e = errorOf(() => compileGrok("id=%{WORD:1a}"));
    expect(e.message).toBe('Invalid field name 1a in %{WORD:1a} at position 3 of pattern "id=%{WORD:1a}": oniguruma refuses a group name that starts with a digit (invalid group name <1a>)');
    expect([e.position, e.source]).toEqual([3, "pattern"]);
  });

  it("recursive definitions", () => {
    const e = errorOf(() => compileGrok("x %{A}", { definitions: { A: "a%{B}", B: "b%{A}" } }));
    expect(e.message).toBe('Recursive grok definition: A → B → A (%{A} at position 1 of definition B (used by pattern "x %{A}"))');
  });

  it("a definition that refers to itself", () => {
    expect(errorOf(() => compileGrok("%{SELF}", { definitions: { SELF: "(?:a|%{SELF})" } })).message).toMatch(
      /^Recursive grok definition: SELF → SELF/,
    );
  });

  it("invalid regex, located in the definition it comes from", () => {
    const e = errorOf(() => compileGrok("%{INT:n} %{BAD:b}", { definitions: { BAD: "a(b" } }));
    // the field's own group around BAD is the one left open
    expect(e.message).toBe('Invalid regex (end pattern with unmatched parenthesis) at position 9 of pattern "%{INT:n} %{BAD:b}"');
    expect(errorOf(() => compileGrok("%{BAD}", { definitions: { BAD: "a(b" } })).message).toBe(
      'Invalid regex (end pattern with unmatched parenthesis) at position 1 of definition BAD (used by pattern "%{BAD}")',
    );
    expect(errorOf(() => compileGrok("a)b")).message).toBe('Invalid regex (unmatched close parenthesis) at position 1 of pattern "a)b"');
    expect(errorOf(() => compileGrok("x*+*?{2,1}")).message).toMatch(/upper bound must be greater than lower bound/);
    expect(errorOf(() => compileGrok("[z-a]")).message).toMatch(/^Invalid regex \(empty range in char class\) at position 2/);
    expect(errorOf(() => compileGrok("*a")).message).toMatch(/target of repeat operator is not specified/);
    expect(errorOf(() => compileGrok("(?<=a+)b")).message).toMatch(/invalid pattern in look-behind/);
  });

  it("a field name used twice", () => {
    const e = errorOf(() => compileGrok("%{WORD:a} %{INT:a}"));
    expect(e.message).toBe('Field a is captured twice at position 10 of pattern "%{WORD:a} %{INT:a}"');
    expect(errorOf(() => compileGrok("(?<a>x)%{INT:a}")).message).toMatch(/^Field a is captured twice at position 7/);
  });

  it("malformed references and unknown type suffixes", () => {
    expect(errorOf(() => compileGrok("%{INT:n:long}")).message).toBe(
      'Unknown type suffix :long in %{INT:n:long} at position 0 of pattern "%{INT:n:long}": use :int or :float',
    );
    expect(errorOf(() => compileGrok("a %{not valid}")).message).toMatch(/^Malformed grok reference %\{not valid\} at position 2 of pattern/);
  });
});
