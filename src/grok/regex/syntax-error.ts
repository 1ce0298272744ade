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
