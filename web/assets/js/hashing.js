// Fingerprinting one file, inside the page or its worker: MD5 and SHA-256 of the bytes,
// and the PDQ hash and quality of the decoded pixels. Nothing here touches the network;
// the file is read from the device and forgotten.

import { fitWithin, imageSize } from "./image-size.js";

/**
 * Pictures with more pixels than this are scaled down to it before the PDQ hash (which is
 * made to survive resizing): iOS refuses canvases over 16,777,216 pixels, and three copies
 * of a bigger picture would strain a cheap phone's memory. MD5 and SHA-256 still come from
 * the untouched file.
 */
export const MAX_CANVAS_PIXELS = 16_777_216;

/**
 * How to decode: the pixels as stored, as `takeback hash` reads them; no colour
 * management and no premultiplied alpha, so that a PNG hashes bit-exactly as natively.
 */
const DECODE = { colorSpaceConversion: "none", premultiplyAlpha: "none" };

/**
 * Fingerprints `blob` with `pdq` (from takeback-pdq.js). `makeCanvas(width, height)`
 * returns a canvas (an OffscreenCanvas in a worker, a <canvas> on the page).
 *
 * @returns {Promise<{ md5?: string, sha256?: string, pdq?: { hash: string, quality: number },
 *   scaled?: boolean, problem?: "video" | "unreadable" }>}
 */
export async function fingerprintBlob(pdq, blob, makeCanvas) {
  if (blob.type.startsWith("video/")) return { problem: "video" };
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const { md5, sha256 } = pdq.digestBytes(bytes);
  // A picture too big for the canvas is asked for at a size that fits, where the file
  // says how big it is. Only the width is given: the browser keeps the shape, also when it
  // turns the picture upright by its EXIF orientation (then the stored width is the
  // upright height, the result is larger than planned, and the canvas step below shrinks
  // it). Chromium still decodes at full size first; the saving is in the canvas and pixel
  // copies that follow.
  const declared = imageSize(bytes);
  const target = declared && fitWithin(declared.width, declared.height, MAX_CANVAS_PIXELS);
  let bitmap;
  try {
    bitmap = await createImageBitmap(
      blob,
      target ? { ...DECODE, resizeWidth: target.width, resizeQuality: "high" } : DECODE,
    );
  } catch {
    return { md5, sha256, problem: "unreadable" };
  }
  try {
    // Still too big (turned upright, or a size the header did not tell): shrink on the
    // canvas instead.
    const fit = fitWithin(bitmap.width, bitmap.height, MAX_CANVAS_PIXELS);
    const { width, height } = fit ?? bitmap;
    const canvas = makeCanvas(width, height);
    const context = canvas.getContext("2d", { willReadFrequently: true });
    if (!context) return { md5, sha256, problem: "unreadable" };
    context.drawImage(bitmap, 0, 0, width, height);
    const { data } = context.getImageData(0, 0, width, height);
    // Let the canvas's memory go before hashing needs its own copy.
    canvas.width = canvas.height = 0;
    return { md5, sha256, pdq: pdq.hashRgba(data, width, height), scaled: Boolean(target || fit) };
  } finally {
    bitmap.close();
  }
}
