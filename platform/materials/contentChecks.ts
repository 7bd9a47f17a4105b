/**
 * What an uploaded file may carry (issue 19, finding 3), judged by its bytes. Pure: no I/O.
 * - A PDF with active content is refused: a `/JavaScript` (`/JS`), `/Launch`, `/EmbeddedFile(s)` or `/OpenAction`
 *   name anywhere, in the file or inside a Flate-compressed stream (object streams hide dictionaries there), names
 *   compared after decoding `#xx` escapes (`/J#61vaScript` is `/JavaScript`).
 * - An image whose header declares more than 12,000 pixels a side or 80 megapixels is refused (a decompression bomb
 *   for whoever opens it).
 * - The stored name: no path, no control or bidirectional-formatting characters (U+202E would show `证书‮fdp.exe` as
 *   `证书exe.pdf`), runs of digits that may be an ID or phone number masked, and the extension set from the sniffed
 *   type whatever the name said (`evil.html` holding a PDF is `evil.pdf`, `证书.pdf.bat` is `证书.pdf`).
 */
import { inflateSync } from 'node:zlib';
import type { MaterialMediaType } from './requirements';

export const MAX_IMAGE_SIDE = 12_000;
export const MAX_IMAGE_PIXELS = 80_000_000;

const ACTIVE_NAMES = new Set(['JavaScript', 'JS', 'Launch', 'EmbeddedFile', 'EmbeddedFiles', 'OpenAction']);
/** Inflated stream text scanned per file at most (a Flate bomb stops here, and the file is refused as unreadable). */
const MAX_INFLATED_BYTES = 64 * 1024 * 1024;

function activeNamesIn(text: string, found: Set<string>): void {
  // a PDF name: '/' then regular characters (not white space, not a delimiter)
  for (const m of text.matchAll(/\/([^\s()<>[\]{}/%\0]+)/g)) {
    const name = m[1]!.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
    if (ACTIVE_NAMES.has(name)) found.add(name === 'JS' ? 'JavaScript' : name === 'EmbeddedFiles' ? 'EmbeddedFile' : name);
  }
}

/** The active-content names a PDF carries (empty when none); 'unreadable' when its streams inflate beyond the limit. */
export function pdfActiveContent(bytes: Buffer): string[] {
  const found = new Set<string>();
  const text = bytes.toString('latin1');
  activeNamesIn(text, found);
  let budget = MAX_INFLATED_BYTES;
  for (const m of text.matchAll(/stream\r?\n/g)) {
    const start = m.index! + m[0].length;
    const end = text.indexOf('endstream', start);
    if (end < 0) break;
    const raw = bytes.subarray(start, end);
    let inflated: Buffer;
    try {
      inflated = inflateSync(raw, { maxOutputLength: budget });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        found.add('unreadable');
        break;
      }
      continue; // not Flate (or not compressed): its bytes were scanned with the file
    }
    budget -= inflated.length;
    activeNamesIn(inflated.toString('latin1'), found);
    if (budget <= 0) {
      found.add('unreadable');
      break;
    }
  }
  return [...found].sort();
}

/** The pixel size a PNG (IHDR) or JPEG (first SOFn frame header) declares; null when none is found. */
export function imageDimensions(bytes: Buffer, type: MaterialMediaType): { width: number; height: number } | null {
  if (type === 'image/png') {
    if (bytes.length < 24 || bytes.toString('latin1', 12, 16) !== 'IHDR') return null;
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  if (type !== 'image/jpeg') return null;
  let i = 2;
  while (i + 4 <= bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // no length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return null; // end of image / start of scan before any frame header
    const len = bytes.readUInt16BE(i + 2);
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      if (i + 9 > bytes.length) return null;
      return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7) };
    }
    i += 2 + len;
  }
  return null;
}

export function imageTooLarge(d: { width: number; height: number }): boolean {
  return d.width > MAX_IMAGE_SIDE || d.height > MAX_IMAGE_SIDE || d.width * d.height > MAX_IMAGE_PIXELS;
}

export const EXTENSION: Record<MaterialMediaType, string> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png' };

/** Extensions a name may end in that are dropped before the sniffed one is set (`证书.pdf.bat` → `证书`). */
const EXT_RUN = /(\.[A-Za-z0-9]{1,8})+$/;

/**
 * The stored (and downloaded) name: a display label only. Path, control, format (bidi, zero-width) and
 * shell-special characters removed; digit runs of 6 or more (ID, phone, passport numbers) masked; the extension
 * that of the sniffed type; 120 characters at most.
 */
export function safeFileName(raw: string | undefined, mediaType: MaterialMediaType): string {
  let name = (raw ?? '').normalize('NFC');
  name = name.split(/[\\/]/).pop() ?? '';
  name = name.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}"<>|:*?]/gu, '');
  name = name.replace(/\d{6,}[\dXx]?/g, '###');
  name = name
    .replace(EXT_RUN, '')
    .replace(/[.\s]+$/g, '')
    .trim();
  const ext = `.${EXTENSION[mediaType]}`;
  name = [...name].slice(0, 120 - ext.length).join('');
  if (!name || /^[.\s_-]*$/.test(name)) name = 'material';
  return `${name}${ext}`;
}
