import { createRequire } from "node:module";
import { dirname, isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Where this module can resolve packages from: its own file (`__filename` in the CJS build,
 * `import.meta.url` in the ESM one, when it is a `file:` URL), then the working directory
 * (for a copy of the package that sits outside any node_modules tree, or a module
 * evaluated from `node --input-type=module -e`, `data:` or `https:` URLs).
 */
function requireBases(): string[] {
  const bases: string[] = [];
  if (typeof __filename === "string" && isAbsolute(__filename)) bases.push(__filename);
  try {
    const url = import.meta.url;
    if (typeof url === "string" && url.startsWith("file:")) bases.push(fileURLToPath(url));
  } catch {
    // no import.meta in this build
  }
  bases.push(join(process.cwd(), "[sessionize]"));
  return bases;
}

const located = new Map<string, NodeRequire>();

/**
 * A `require` that finds package `name`: from this module where it can, else from the
 * working directory (see {@link requireBases}); in the ESM and CJS builds, Bun and Deno.
 * It never loads the package itself. When it finds none, the error names where it looked,
 * what the package is for (`purpose`) and how to get it (`remedy`).
 *
 * @example
 * localRequire("grok-js", "its pattern files", "Install grok-js.").resolve("grok-js/package.json"); // ".../node_modules/grok-js/package.json"
 */
export function localRequire(name: string, purpose: string, remedy: string): NodeRequire {
  const known = located.get(name);
  if (known) return known;
  const bases = requireBases();
  for (const base of bases) {
    const req = createRequire(base);
    try {
      req.resolve(name); // its entry point (not its package.json, which a package's "exports" may hide)
      located.set(name, req);
      return req;
    } catch {
      // try the next base
    }
  }
  throw new Error(`sessionize cannot find the ${name} package (${purpose}): it resolves neither from ${bases.map((b) => dirname(b)).join(" nor from ")}. ${remedy}`);
}
