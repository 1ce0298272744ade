/**
 * What the store remembers of each log file it has read, so that a run reads only what
 * arrived since the previous one. Saved with each commit of the store, atomically with the
 * tables it produced.
 */
export interface IngestedFile {
  stream: string;
  /** The file's name when it was last read (it may have been renamed since). */
  name: string;
  dev: number;
  ino: number;
  /** Whether it was a gzip file. */
  gzip: boolean;
  /** SHA-256 of its first `fingerprintBytes` content bytes (decompressed for gzip). */
  fingerprint: string;
  fingerprintBytes: number;
  /** Content bytes when last read. */
  size: number;
  /** Byte offset after the last complete line ingested. */
  offset: number;
  /** Number the next line of this file will have. */
  nextLine: number;
}

/** The registry of every log file read so far. */
export interface FileRegistry {
  version: 1;
  files: IngestedFile[];
}

/**
 * An empty registry, for a store that has read nothing yet.
 *
 * @example
 * planReads("logs", tutorialStreams, emptyRegistry()); // every file is new
 */
export function emptyRegistry(): FileRegistry {
  return { version: 1, files: [] };
}

/**
 * The registry in a store's state, checked; a state written by something else is an error.
 *
 * @example
 * const registry = registryFromState(store.readState());
 */
export function registryFromState(state: unknown): FileRegistry {
  if (state === undefined || state === null) return emptyRegistry();
  const registry = state as Partial<FileRegistry>;
  if (registry.version !== 1 || !Array.isArray(registry.files)) {
    throw new Error("the store's state is not a sessionize file registry (version 1)");
  }
  return state as FileRegistry;
}
