export type { CompiledGrok, GrokField, GrokFieldType, GrokOptions } from "./types.js";
export { compileGrok } from "./compile.js";
export { GrokError } from "./errors.js";
export { definitionLibrary, parseDefinitions, shippedDefinitions } from "./library.js";
export { grokLines, type GrokRecord } from "./lines.js";
export { grokDebug } from "./debug.js";
