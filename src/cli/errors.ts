/**
 * Run a command's action and turn any error into one clear line on stderr and exit code 1,
 * never a stack trace.
 *
 * @example
 * program.command("tables").action(guarded(async (opts) => { … }));
 */
export function guarded<A extends unknown[]>(action: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`sessionize: ${message.split("\n")[0]}\n`);
      process.exitCode = 1;
    }
  };
}

/**
 * A positive integer option value, or a clear error naming the option.
 *
 * @example
 * positiveInt("--rows", "10"); // 10
 */
export function positiveInt(option: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) {
    throw new Error(`${option} must be a positive whole number, not ${JSON.stringify(value)}`);
  }
  return n;
}
