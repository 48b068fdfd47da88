/**
 * JSON.parse with a bound on nesting depth, checked by one iterative scan of the text before parsing
 * (RFC 8259 syntax: brackets inside strings, with their escapes, do not count). Deeply nested input
 * would otherwise overflow the stack of the recursive code that walks the parsed value, or of
 * JSON.parse itself, with a RangeError that names nothing.
 */

/**
 * Parse `text` as JSON after checking that no array/object nesting exceeds `maxDepth`. Errors start with
 * `where` (which names the file) and state the limit.
 */
export function parseBoundedJson(where: string, text: string, maxDepth: number): unknown {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) {
        throw new Error(`${where}: JSON nested deeper than ${maxDepth} levels (at character ${i}); channel files need at most 5`);
      }
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${where}: not valid JSON: ${(e as Error).message}`);
  }
}
