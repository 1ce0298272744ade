import * as zlib from "node:zlib";

/**
 * The content of a gzip file decompressed forward, one piece of bounded size at a time,
 * synchronously: memory holds one piece of compressed bytes and one of content, whatever
 * the size of the file or of its lines. The end (`next()` giving undefined) comes only once
 * zlib has checked the whole stream (every member's CRC-32 and size against its trailer): a
 * truncated or corrupt stream is an error naming the file, possibly after pieces of it were
 * given, so nothing given may be taken as read before the end.
 *
 * @example
 * const stream: GunzipStream = gunzipStream((into, at) => readSync(fd, into, 0, into.length, at), size, "x.log.2.gz");
 * for (let piece = stream.next(); piece !== undefined; piece = stream.next()) consume(piece);
 */
export interface GunzipStream {
  /** The next piece of content (valid until the next call), or undefined at the end, the whole stream checked. */
  next(): Buffer | undefined;
  close(): void;
}

/**
 * The error for a gzip file that cannot be decompressed whole, naming it.
 *
 * @example
 * throw gzipError("logs/cart_activity.log.2.gz", "unexpected end of file");
 */
export function gzipError(path: string, reason: string): Error {
  return new Error(`gzip file ${path} is truncated or corrupt (${reason}); nothing was read from it`);
}

/** What Node, Bun and Deno all have behind a zlib stream object: its native handle, driven synchronously. */
interface ZlibHandle {
  writeSync(flush: number, input: Uint8Array, inOffset: number, inLength: number, output: Uint8Array, outOffset: number, outLength: number): void;
  onerror: (message: string, errno: number) => void;
}
interface ZlibInternals {
  _handle?: ZlibHandle | null;
  /** After each `writeSync`: [output bytes left free, input bytes left unread]. */
  _writeState?: Uint32Array;
}

const PIECE_BYTES = 64 * 1024;

/**
 * Decompress a gzip stream whose compressed bytes `readCompressed` gives (`(into, position)
 * => bytes copied`, `size` of them), piece by piece. Uses the native handle of a Gunzip
 * object the way `zlib.gunzipSync` does, but piece by piece, so with the same checks and
 * the same handling of concatenated members; where a runtime has no such handle, falls
 * back to `gunzipSync` on the whole file (correct, not bounded in memory).
 *
 * @example
 * const fd = openSync("x.log.2.gz", "r");
 * const stream = gunzipStream((into, at) => readSync(fd, into, 0, into.length, at), fstatSync(fd).size, "x.log.2.gz");
 */
export function gunzipStream(readCompressed: (into: Buffer, position: number) => number, size: number, path: string, pieceBytes = PIECE_BYTES): GunzipStream {
  const engine = zlib.createGunzip() as zlib.Gunzip & ZlibInternals;
  const handle = engine._handle;
  const state = engine._writeState;
  if (!handle || typeof handle.writeSync !== "function" || !state) {
    engine.close();
    return wholeStream(readCompressed, size, path);
  }
  let failure: string | undefined;
  // The handle reports errors through this callback, during writeSync; the stream object never sees them.
  handle.onerror = (message) => {
    failure ??= message;
  };
  engine.on("error", () => {});
  const input = Buffer.allocUnsafe(pieceBytes);
  const output = Buffer.allocUnsafe(pieceBytes);
  let inputStart = 0;
  let inputLength = 0;
  let compressedRead = 0;
  let finishing = false;
  let done = false;
  let closed = false;
  const close = () => {
    if (!closed) engine.close();
    closed = true;
  };
  const fail = (reason: string): never => {
    close();
    done = true;
    throw gzipError(path, reason);
  };
  return {
    next() {
      if (failure !== undefined) fail(failure);
      while (!done) {
        if (inputLength === 0 && !finishing) {
          const n = compressedRead < size ? readCompressed(input, compressedRead) : 0;
          compressedRead += n;
          inputStart = 0;
          inputLength = n;
          if (n === 0 && compressedRead < size) fail("the file is shorter than it was");
          finishing = compressedRead >= size;
        }
        handle.writeSync(finishing ? zlib.constants.Z_FINISH : zlib.constants.Z_NO_FLUSH, input, inputStart, inputLength, output, 0, output.length);
        if (failure !== undefined) fail(failure);
        const [outputFree, inputLeft] = state;
        const consumed = inputLength - inputLeft;
        inputStart += consumed;
        inputLength = inputLeft;
        const produced = output.length - outputFree;
        // With all input given and room left in the output, zlib has nothing more to give: the
        // stream ended, checked. Before that, only an ended stream takes no input while it has
        // room to write: what follows it (zeros) is ignored, as gunzipSync does.
        if ((finishing && outputFree > 0) || (produced === 0 && consumed === 0 && inputLength > 0)) {
          done = true;
          close();
        }
        if (produced > 0) return output.subarray(0, produced);
      }
      return undefined;
    },
    close,
  };
}

/** The fallback of `gunzipStream`: the whole file decompressed at once, then given in pieces. */
function wholeStream(readCompressed: (into: Buffer, position: number) => number, size: number, path: string): GunzipStream {
  let content: Buffer | undefined;
  let at = 0;
  return {
    next() {
      if (content === undefined) {
        const compressed = Buffer.allocUnsafe(size);
        let got = 0;
        while (got < size) {
          const n = readCompressed(compressed.subarray(got), got);
          if (n === 0) break;
          got += n;
        }
        try {
          content = zlib.gunzipSync(compressed.subarray(0, got));
        } catch (error) {
          throw gzipError(path, (error as Error).message);
        }
      }
      if (at >= content.length) return undefined;
      const piece = content.subarray(at, at + PIECE_BYTES);
      at += piece.length;
      return piece;
    },
    close() {
      content = undefined;
    },
  };
}
