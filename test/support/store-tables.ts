import { openStore } from "../../src/store/index.js";

/** Every row of a store table, as plain objects, in stored order. */
export function storedRows(store: string, table: string): Record<string, unknown>[] {
  return openStore(store).scan(table).collectSync().toRecords() as Record<string, unknown>[];
}
