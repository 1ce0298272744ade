import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(".");
const tempDir = () => mkdtempSync(join(tmpdir(), "sessionize-pkg-"));

describe("the package as users get it", () => {
  it("works as `import` and `require` from a dependent package", () => {
    const app = tempDir();
    mkdirSync(join(app, "node_modules"));
    symlinkSync(ROOT, join(app, "node_modules", "sessionize"), "dir");
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "app", type: "module" }));
    writeFileSync(
      join(app, "esm.mjs"),
      'import { runPipeline, sessionizeLogs, compileGrok, cartStream } from "sessionize";\n' +
        'console.log(typeof runPipeline, typeof sessionizeLogs, compileGrok(cartStream.pattern).engine);\n',
    );
    writeFileSync(join(app, "cjs.cjs"), 'const { aggregateSessions, openStore } = require("sessionize");\nconsole.log(typeof aggregateSessions, typeof openStore);\n');
    expect(execFileSync(process.execPath, ["esm.mjs"], { cwd: app, encoding: "utf8" })).toBe("function function vectorized\n");
    expect(execFileSync(process.execPath, ["cjs.cjs"], { cwd: app, encoding: "utf8" })).toBe("function function\n");
  });

  it("runs as `npx sessionize` from the repository root", () => {
    const result = spawnSync("npx", ["--no-install", "sessionize", "--help"], { cwd: ROOT, encoding: "utf8" });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^Usage: sessionize/);
  });

  it.each(["examples/tutorial.ts", "examples/custom-stream.ts"])("runs %s", (example) => {
    const result = spawnSync("npx", ["--no-install", "tsx", example], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(example.includes("tutorial") ? /9000 events, 1247 sessions/ : /parsed: 1,\s+rejected: 1/);
  });
});

describe.runIf(spawnSync("script", ["--version"]).status === 0)("progress on a terminal", () => {
  it("shows each stage while it runs (piped, it shows none: see cli.test.ts)", () => {
    const store = join(tempDir(), "s");
    const command = `${JSON.stringify(process.execPath)} dist/cli.js run --logs fixtures/logs --store ${store}`;
    const onTerminal = spawnSync("script", ["-qec", command, "/dev/null"], { cwd: ROOT, encoding: "utf8" });
    expect(onTerminal.status).toBe(0);
    for (const stage of ["read", "parse", "unify", "append", "sessionize", "aggregate", "write"]) expect(onTerminal.stdout).toMatch(new RegExp(`^\\s+${stage} …`, "m"));
  });
});
