/**
 * Smoke test of `npm run bench`: on about 10,000 generated events, one round, the harness
 * still runs end to end and the three implementations (sessionize, DuckDB SQL, plain
 * TypeScript) agree. No timing is asserted: benchmarks are never tests.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const cache = mkdtempSync(join(tmpdir(), "bench-smoke-"));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe("npm run bench (smoke)", () => {
  it("runs all three implementations on 10,000 events and they agree", () => {
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", "bench/run.ts", "--events", "10000", "--reps", "1", "--no-build", "--no-write", "--cache", cache],
      { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 },
    );
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.status, output).toBe(0);
    for (const name of ["sessionize (CLI run)", "DuckDB SQL", "plain TypeScript"]) {
      expect(output).toMatch(new RegExp(`round 1\\s+${name.replace(/[()]/g, "\\$&")}.*✓ agrees`));
    }
    expect(output).not.toMatch(/disagree/);
    expect(output).toMatch(/where sessionize's time goes/);
  }, 300_000);
});
