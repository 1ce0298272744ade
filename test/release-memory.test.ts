import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const child = resolve(__dirname, "release-memory-child.ts");
const trimChild = resolve(__dirname, "release-memory-trim-child.ts");
const growth = (mode: "release" | "keep") =>
  JSON.parse(execFileSync(process.execPath, ["--import", "tsx", child, mode, "8"], { encoding: "utf8" })).growth as number;

describe("releaseMemory", () => {
  it("returns the memory of dropped Polars frames between rounds, which the engine alone keeps", () => {
    // one frame is ~200 MiB of strings; eight rounds without a collection keep most of them
    const kept = growth("keep");
    const released = growth("release");
    expect(kept).toBeGreaterThan(800);
    expect(released).toBeLessThan(kept / 2);
  });

  it.runIf(process.platform === "linux")("gives the pages of freed frames back to the system on glibc (malloc_trim through koffi)", () => {
    const { freed, after, returned } = JSON.parse(execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", trimChild], { encoding: "utf8" }));
    // the streaming engine's chunks, freed, stay in glibc's arenas (about 80 MiB here) until trimmed
    expect(returned).toBe(true);
    expect(after).toBeLessThan(freed - 40);
  });
});
