// A picture's size in pixels from its first bytes, without decoding it: so that a very
// large photo can be decoded straight to a smaller size, instead of at full size first
// (a 48-megapixel photo is 192 MB of pixels, more than a cheap phone can spare).

/**
 * The width and height a PNG, JPEG, GIF or WebP file declares, or null for anything else
 * (or anything truncated). For a JPEG this is the size as stored, before any EXIF
 * rotation.
 *
 * @param {Uint8Array} bytes the file, or at least its first few kilobytes (a JPEG's size
 *   can come after its metadata, so pass the whole file when in doubt).
 * @returns {{ width: number, height: number } | null}
 */
export function imageSize(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const has = (offset, ...values) => values.every((v, i) => bytes[offset + i] === v);
  const ascii = (offset, text) => has(offset, ...[...text].map((c) => c.charCodeAt(0)));
  const fits = (end) => end <= bytes.length;
  // PNG: the signature, then IHDR with width and height, big-endian.
  if (fits(24) && has(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a) && ascii(12, "IHDR")) {
    return size(view.getUint32(16), view.getUint32(20));
  }
  // GIF: the logical screen, little-endian.
  if (fits(10) && (ascii(0, "GIF87a") || ascii(0, "GIF89a"))) {
    return size(view.getUint16(6, true), view.getUint16(8, true));
  }
  // WebP: lossy (VP8), lossless (VP8L) or extended (VP8X).
  if (fits(16) && ascii(0, "RIFF") && ascii(8, "WEBP")) {
    if (ascii(12, "VP8 ") && fits(30)) {
      return size(view.getUint16(26, true) & 0x3fff, view.getUint16(28, true) & 0x3fff);
    }
    if (ascii(12, "VP8L") && fits(25)) {
      const bits = view.getUint32(21, true);
      return size((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
    }
    if (ascii(12, "VP8X") && fits(30)) {
      const width = 1 + (bytes[24] | (bytes[25] << 8) | (bytes[26] << 16));
      const height = 1 + (bytes[27] | (bytes[28] << 8) | (bytes[29] << 16));
      return size(width, height);
    }
    return null;
  }
  // JPEG: walk the markers to the first start-of-frame.
  if (fits(4) && has(0, 0xff, 0xd8)) {
    for (const { marker, offset } of jpegSegments(bytes)) {
      if (isStartOfFrame(marker)) {
        if (!fits(offset + 9)) return null;
        return size(view.getUint16(offset + 7), view.getUint16(offset + 5));
      }
    }
  }
  return null;
}

function size(width, height) {
  return width > 0 && height > 0 ? { width, height } : null;
}

/**
 * The size to decode a `width` × `height` picture at so that it has at most `maxPixels`
 * pixels, keeping its shape; or null if it already fits.
 */
export function fitWithin(width, height, maxPixels) {
  if (width * height <= maxPixels) return null;
  const factor = Math.sqrt(maxPixels / (width * height));
  let fitted = { width: Math.floor(width * factor), height: Math.floor(height * factor) };
  // A sliver (a picture a few pixels across) keeps at least one pixel, and its length
  // shrinks to stay within the budget.
  if (fitted.height < 1) fitted = { width: Math.min(width, maxPixels), height: 1 };
  if (fitted.width < 1) fitted = { width: 1, height: Math.min(height, maxPixels) };
  return fitted;
}

/**
 * The EXIF orientation (1 to 8) a JPEG declares, 1 when it declares none, or null if
 * `bytes` is not a JPEG or its metadata cannot be read. 1 means stored upright; anything
 * else is turned or mirrored when shown.
 *
 * @param {Uint8Array} bytes the whole file (the metadata comes before the picture).
 * @returns {number | null}
 */
export function jpegOrientation(bytes) {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  for (const { marker, offset, length, whole } of jpegSegments(bytes)) {
    // The metadata segments come before the frame and the scan; past them, there is none.
    if (marker === 0xda || isStartOfFrame(marker)) return 1;
    if (!whole) return null;
    // APP1 holding "Exif\0\0", then a TIFF header.
    if (marker === 0xe1 && length >= 16 && [0x45, 0x78, 0x69, 0x66, 0, 0].every((b, i) => bytes[offset + 4 + i] === b)) {
      return exifOrientation(new DataView(bytes.buffer, bytes.byteOffset + offset + 10, length - 8));
    }
  }
  return null;
}

/**
 * Whether a JPEG's frame header says a browser can hand it over as 4:2:0 planes (an I420
 * VideoFrame from WebCodecs' `ImageDecoder`): sequential Huffman (baseline SOF0 or
 * extended SOF1), 8 bits a sample, three components, the first (luma) sampled 2×2 and the
 * other two 1×1. Anything else (progressive, 4:4:4, 4:2:2, greyscale, CMYK, 12-bit) is
 * decoded to RGB, so trying the planes way first would only decode it twice. False for
 * anything that is not a JPEG, or whose frame header is cut short.
 *
 * @param {Uint8Array} bytes the whole file (the frame header comes after the metadata).
 * @returns {boolean}
 */
export function jpegIsPlanar420(bytes) {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return false;
  for (const { marker, offset, length, whole } of jpegSegments(bytes)) {
    if (!isStartOfFrame(marker)) continue;
    // Length, then precision, height, width, the number of components and three bytes
    // for each (id, sampling as horizontal << 4 | vertical, quantisation table).
    if (!whole || length !== 8 + 3 * 3) return false;
    const at = (i) => bytes[offset + 4 + i];
    const sequential = marker === 0xc0 || marker === 0xc1;
    return sequential && at(0) === 8 && at(5) === 3 && at(7) === 0x22 && at(10) === 0x11 && at(13) === 0x11;
  }
  return false;
}

/** Whether a JPEG marker starts a frame: SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC). */
function isStartOfFrame(marker) {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/**
 * A JPEG's segments after its start-of-image marker, in order: each marker, where it is,
 * its length field, and whether the whole segment is within `bytes`. Stops at anything
 * that is not a marker, at the end of `bytes`, and after a segment that does not fit.
 */
function* jpegSegments(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return;
    const marker = bytes[offset + 1];
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    const length = view.getUint16(offset + 2);
    const whole = length >= 2 && offset + 2 + length <= bytes.length;
    yield { marker, offset, length, whole };
    if (!whole) return;
    offset += 2 + length;
  }
}

/** The orientation tag (0x0112) of a TIFF header's first directory: 1 if absent. */
function exifOrientation(tiff) {
  const order = tiff.getUint16(0);
  if (order !== 0x4949 && order !== 0x4d4d) return null; // "II" little-endian, "MM" big
  const little = order === 0x4949;
  const fits = (end) => end <= tiff.byteLength;
  if (tiff.getUint16(2, little) !== 42 || !fits(8)) return null;
  const directory = tiff.getUint32(4, little);
  if (!fits(directory + 2)) return null;
  const entries = tiff.getUint16(directory, little);
  for (let i = 0; i < entries; i++) {
    const entry = directory + 2 + i * 12;
    if (!fits(entry + 12)) return null;
    if (tiff.getUint16(entry, little) === 0x0112) {
      const value = tiff.getUint16(entry + 8, little);
      return value >= 1 && value <= 8 ? value : null;
    }
  }
  return 1;
}
