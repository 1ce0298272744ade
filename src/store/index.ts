export type { DataPart } from "./manifest.js";
export type { ColumnsOf, CommitMeta, CommitResult, ScanOptions, StagedTable, TableContent, TableInfo, TableStore, TableVersion } from "./table-store.js";
export { openStore, DEFAULT_KEEP, type OpenStoreOptions } from "./versioned-store.js";
export { acquireLock, lockHolder, readHolder, type LockOptions, type WriteLock } from "./lock.js";
export { StoreConflictError, StoreDamagedError, StoreLockedError, type LockHolder } from "./errors.js";
