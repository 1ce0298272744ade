export type { TableInfo, TableStore } from "./table-store.js";
export { openStore, type OpenStoreOptions } from "./parquet-dir-store.js";
