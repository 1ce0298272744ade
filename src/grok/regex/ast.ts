import type { CharSet } from "./charset.js";

/** Where a piece of the expanded regex came from: the user's pattern or a named definition. */
export interface Origin {
  /** `"pattern"` for the pattern given to compileGrok, else the definition's name. */
  source: string;
  /** Offset inside that source text. */
  offset: number;
}

/** A field declared by `%{NAME:field[:type]}` or an inline `(?<field>…)`. */
export interface FieldRef {
  name: string;
  type: "string" | "int" | "float";
}

/**
 * The regex syntax tree shared by the analyses and the emitters. `pos` is the offset
 * of the node in the expanded oniguruma text (used for error and fallback messages).
 */
export type Node =
  | { kind: "chars"; set: CharSet; pos: number }
  | { kind: "seq"; items: Node[]; pos: number }
  | { kind: "alt"; branches: Node[]; pos: number }
  /**
   * A group; `field` for grok fields, `capture` for other capturing groups (ignored by grok),
   * `options` for an option group such as `(?m:…)` or an isolated `(?m)` (whose body is the
   * rest of the enclosing group, as oniguruma reads it). `num` is the group number of a
   * capturing group (a field or not).
   */
  | { kind: "group"; body: Node; field?: FieldRef; capture?: boolean; options?: string; num?: number; pos: number }
  | { kind: "atomic"; body: Node; pos: number }
  | { kind: "repeat"; body: Node; min: number; max: number; lazy: boolean; pos: number }
  | { kind: "anchor"; what: "bol" | "eol" | "bot" | "eot"; pos: number }
  | { kind: "wordb"; negate: boolean; pos: number }
  | { kind: "look"; behind: boolean; negate: boolean; body: Node; pos: number }
  /**
   * A construct the vectorized engine cannot express; `construct` names it for the fallback
   * reason. `width` is the number of characters it always matches, when fixed (used to check
   * look-behinds as oniguruma does); `inLookBehind` whether oniguruma allows it there; `body`
   * the contents of an option group (`(?i:…)`); `ref` what a back-reference or a
   * subexpression call refers to (for the checks oniguruma makes after parsing).
   */
  | { kind: "unsupported"; construct: string; pos: number; width?: number; inLookBehind?: boolean; body?: Node; ref?: GroupRef };

/**
 * A subexpression call (`\g<…>`: `num` its group once resolved, `name` when called by name,
 * `text` as written) or a back-reference (`nums` its groups; `open` when one of them was
 * still open there, which oniguruma measures as empty).
 */
export type GroupRef = { call: true; num: number; name?: string; text: string } | { call: false; nums: number[]; open: boolean };

export type NodeKind = Node["kind"];

/**
 * The direct children of a node (a look-around's body included; an unsupported node's body is
 * not, the vectorized engine never walks into one).
 *
 * @example
 * children(parse("a|b")).length; // 2
 */
export function children(n: Node): Node[] {
  switch (n.kind) {
    case "seq":
      return n.items;
    case "alt":
      return n.branches;
    case "group":
    case "atomic":
    case "repeat":
    case "look":
      return [n.body];
    default:
      return [];
  }
}
