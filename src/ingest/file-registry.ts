/**
 * What the store remembers of each log file it has read, so that a run reads only what
 * arrived since the previous one. Saved with each commit of the store, atomically with the
 * tables it produced.
 *
 * @example
 * registryFromState(store.readState()).files.map((f: IngestedFile) => `${f.name}: ${f.offset} bytes read`);
 */
export interface IngestedFile {
  stream: string;
  /** The file's name when it was last read (it may have been renamed since). */
  name: string;
  dev: number;
  ino: number;
  /**
   * When the file was created (ms), recorded only once it is older than `BIRTH_MARGIN_MS`
   * at the time of the read. With dev and ino it tells the file from a later one given its
   * freed inode (which is born after this file was closed, so later than this). Absent when
   * unknown (the filesystem does not tell, the file was too young, older registries).
   */
  birth?: number;
  /** Whether it was a gzip file. */
  gzip: boolean;
  /** SHA-256 of its first `fingerprintBytes` content bytes (decompressed for gzip). */
  fingerprint: string;
  fingerprintBytes: number;
  /** Content bytes when last read. */
  size: number;
  /**
   * Byte offset after the last line ingested: the last complete line of a live file, the
   * end of a rotated or gzip file (final, so a last line without its newline is taken).
   */
  offset: number;
  /** SHA-256 of the (up to) `TAIL_BYTES` content bytes before `offset` (absent in registries written before it existed). */
  tail?: string;
  /** CRC-32 of the content bytes before `offset`, as in a gzip trailer (absent when unknown). */
  crc?: number;
  /** Number the next line of this file will have. */
  nextLine: number;
}

/**
 * The registry of every log file read so far.
 *
 * @example
 * const registry: FileRegistry = registryFromState(openStore(".sessionize").readState());
 */
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
