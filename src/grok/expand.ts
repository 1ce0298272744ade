import { describeLocation, GrokError } from "./errors.js";
import type { FieldRef, Origin } from "./regex/ast.js";

/** A pattern with every `%{…}` replaced, as oniguruma regex text, with a map back to the sources. */
export interface Expansion {
  text: string;
  /** Origin of each character of `text`. */
  origins: Origin[];
  /** Offsets in `text` of the `(` that open grok fields. */
  fieldsAt: Map<number, FieldRef>;
}

const REFERENCE = /%\{([A-Za-z0-9_]+)(?::([A-Za-z0-9_@.\-]+)(?::([A-Za-z]+))?)?\}/y;

/** A field name oniguruma takes as a group name (word characters only; a leading digit is refused earlier). */
const ONIG_GROUP_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Replaces the references in a grok pattern the way grok-js does — `%{NAME}` by the
 * definition's text as is, `%{NAME:field}` by the named group `(?<field>…)` around it, so
 * that `\k<field>` and `\g<field>` refer to it — and adds
 * Logstash's type suffix (`%{NAME:field:int}`). Unknown names, malformed references and
 * recursive definitions are errors naming the pattern and the position.
 *
 * Deliberate differences from grok-js 3.2.4, which only resolves `%{NAME}` and
 * `%{NAME:field}` with `[A-Za-z0-9_]` field names and leaves anything else as literal text
 * (so its regex then matches the characters `%{…}` themselves): here an unknown name is an
 * error; `%{NAME:field:int|float}` is Logstash's type suffix (grok-js leaves it unresolved);
 * field names may hold `-`, `.` and `@` as in Logstash (`%{WORD:@a.b-c}`; grok-js leaves
 * them unresolved too). A `:int` capture that is not an integer (`%{NUMBER:n:int}` on
 * `1.5`) is null (see castField); grok-js has no type suffix to compare with. A field name
 * with those extra characters is no oniguruma group name: it is a plain capturing group,
 * which nothing can refer to by name. A field name with a leading digit is an error, as in
 * grok-js, whose `(?<1a>…)` oniguruma refuses.
 *
 * @example
 * expandPattern("%{INT:n}", new Map([["INT", "\\d+"]])).text; // "(?<n>\\d+)"
 */
export function expandPattern(pattern: string, defs: ReadonlyMap<string, string>): Expansion {
  const out: Expansion = { text: "", origins: [], fieldsAt: new Map() };
  const parts: string[] = [];
  const push = (s: string, source: string, offset: number) => {
    parts.push(s);
    for (let k = 0; k < s.length; k++) out.origins.push({ source, offset: offset + k });
  };
  const length = () => out.origins.length;

  const expand = (text: string, source: string, stack: string[]) => {
    let i = 0;
    while (i < text.length) {
      const at = text.indexOf("%{", i);
      if (at < 0) {
        push(text.slice(i), source, i);
        return;
      }
      push(text.slice(i, at), source, i);
      REFERENCE.lastIndex = at;
      const m = REFERENCE.exec(text);
      const where = describeLocation(pattern, source, at);
      if (!m) {
        const end = text.indexOf("}", at);
        const ref = end < 0 ? text.slice(at) : text.slice(at, end + 1);
        throw new GrokError(`Malformed grok reference ${ref} ${where}: expected %{NAME}, %{NAME:field} or %{NAME:field:int|float}`, pattern, at, source);
      }
      const [ref, name, field, type] = m;
      if (type !== undefined && type !== "int" && type !== "float")
        throw new GrokError(`Unknown type suffix :${type} in ${ref} ${where}: use :int or :float`, pattern, at, source);
      const def = defs.get(name);
      if (def === undefined) throw new GrokError(`Unknown grok pattern ${name} in ${ref} ${where}`, pattern, at, source);
      if (stack.includes(name))
        throw new GrokError(`Recursive grok definition: ${[...stack.slice(stack.indexOf(name)), name].join(" → ")} (${ref} ${where})`, pattern, at, source);
      if (field !== undefined && /^[0-9]/.test(field)) {
        // grok-js writes (?<1a>…), which oniguruma refuses
        throw new GrokError(`Invalid field name ${field} in ${ref} ${where}: oniguruma refuses a group name that starts with a digit (invalid group name <${field}>)`, pattern, at, source);
      }
      if (field !== undefined) {
        out.fieldsAt.set(length(), { name: field, type: (type as FieldRef["type"]) ?? "string" });
        for (const c of ONIG_GROUP_NAME.test(field) ? `(?<${field}>` : "(") push(c, source, at);
      }
      expand(def, name, [...stack, name]);
      if (field !== undefined) push(")", source, at + ref.length - 1);
      i = at + ref.length;
    }
  };
  expand(pattern, "pattern", []);
  out.text = parts.join("");
  return out;
}
