import { execFileSync } from "node:child_process";

/** Vitest global setup: build dist/ once, so that CLI and runtime tests run the code under test. */
export default function buildOnce(): void {
  execFileSync("npx", ["tsup", "--silent"], { stdio: "inherit" });
}
