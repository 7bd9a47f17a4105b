/**
 * The nesting depth of a JSON text, counted over its bytes without parsing it (so a document nested 20,000 deep
 * is refused before anything recurses over it). Brackets inside strings do not count.
 */
export const JSON_MAX_DEPTH = 32;

export function jsonDepth(buf: Uint8Array): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) max = Math.max(max, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/** body-parser's `verify`: a body nested deeper than JSON_MAX_DEPTH is a 400 (VALIDATION_FAILED), not a stack overflow. */
export function refuseDeepJson(_req: unknown, _res: unknown, buf: Buffer): void {
  if (jsonDepth(buf) > JSON_MAX_DEPTH)
    throw Object.assign(new Error(`the JSON body is nested deeper than ${JSON_MAX_DEPTH} levels`), { status: 400, expose: true });
}
