/**
 * A syntax error in oniguruma regex text, at offset `pos`; the message is oniguruma's own.
 *
 * @example
 * throw new RegexSyntaxError("end pattern at escape", 3);
 */
export class RegexSyntaxError extends Error {
  constructor(message: string, readonly pos: number) {
    super(message);
  }
}

const MAX_PARAMETER_BYTES = 27;

/**
 * A name or text as oniguruma puts it in an error message (`%n`, regerror.c): cut to its
 * first 27 bytes of UTF-8, then `...`.
 *
 * @example
 * errorParameter("a".repeat(30)); // "aaaaaaaaaaaaaaaaaaaaaaaaaaa..."
 */
export function errorParameter(text: string): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= MAX_PARAMETER_BYTES) return text;
  return new TextDecoder().decode(bytes.subarray(0, MAX_PARAMETER_BYTES)) + "...";
}
