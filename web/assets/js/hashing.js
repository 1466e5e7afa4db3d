// Fingerprinting one file, inside the page or its worker: MD5 and SHA-256 of the bytes,
// and the PDQ hash and quality of the decoded pixels. Nothing here touches the network;
// the file is read from the device and forgotten.

import { fitWithin, imageSize, jpegIsPlanar420, jpegOrientation } from "./image-size.js";

/**
 * Pictures with more pixels than this are scaled down to it before the PDQ hash (which is
 * made to survive resizing): iOS refuses canvases over 16,777,216 pixels, and three copies
 * of a bigger picture would strain a cheap phone's memory. MD5 and SHA-256 still come from
 * the untouched file.
 */
export const MAX_CANVAS_PIXELS = 16_777_216;

/**
 * The hasher's two builds, as the pages serve them beside takeback-pdq.js: for its
 * `loadBestPdq`, which picks the SIMD one where it runs.
 */
export const PDQ_BUILDS = Object.freeze({
  plain: new URL("../pdq/takeback_pdq_wasm.wasm", import.meta.url),
  simd: new URL("../pdq/takeback_pdq_simd.wasm", import.meta.url),
});

/**
 * How to decode: the pixels as stored, as `takeback hash` reads them; no colour
 * management and no premultiplied alpha, so that a PNG hashes bit-exactly as natively.
 */
const DECODE = { colorSpaceConversion: "none", premultiplyAlpha: "none" };

/**
 * How long the planes way may take before the bitmap way is tried instead. Pictures are
 * fingerprinted one at a time, so a decode that never settles would otherwise hold up
 * every picture after it; a camera's photo takes well under a second.
 */
export const PLANES_TIMEOUT_MS = 15_000;

/**
 * Fingerprints `blob` with `pdq` (from takeback-pdq.js). `makeCanvas(width, height)`
 * returns a canvas (an OffscreenCanvas in a worker, a <canvas> on the page). Make one call
 * at a time per `pdq`: a JPEG's planes are copied into its memory while decoding settles.
 *
 * With the PDQ hash comes `decodedBy`, the way the pixels were had: "planes" (the JPEG's
 * 4:2:0 planes, converted by the module) or "bitmap" (a canvas). The pages need not know;
 * the browser tests check that the fast way is taken where it should be.
 *
 * @returns {Promise<{ md5?: string, sha256?: string, pdq?: { hash: string, quality: number },
 *   scaled?: boolean, decodedBy?: "planes" | "bitmap", problem?: "video" | "unreadable" }>}
 */
export async function fingerprintBlob(pdq, blob, makeCanvas, { planesTimeoutMs = PLANES_TIMEOUT_MS } = {}) {
  if (blob.type.startsWith("video/")) return { problem: "video" };
  const bytes = new Uint8Array(await blob.arrayBuffer());
  // A picture too big for the canvas is asked for at a size that fits, where the file
  // says how big it is. Only the width is given: the browser keeps the shape, also when it
  // turns the picture upright by its EXIF orientation (then the stored width is the
  // upright height, the result is larger than planned, and the canvas step below shrinks
  // it). Chromium still decodes at full size first; the saving is in the canvas and pixel
  // copies that follow.
  const declared = imageSize(bytes);
  const target = declared && fitWithin(declared.width, declared.height, MAX_CANVAS_PIXELS);
  // Decoding starts before the digests: the browser decodes on threads of its own, so the
  // MD5 and SHA-256 below are computed meanwhile. A JPEG that fits, whose header says
  // 4:2:0 and whose orientation can be read is decoded to its planes (the fast way, where
  // the browser can; the module turns them upright as a bitmap would be); anything else,
  // or a JPEG that way fails, to a bitmap. Neither promise rejects.
  const orientation = jpegOrientation(bytes);
  const planesFit = !target && orientation !== null && jpegIsPlanar420(bytes);
  const planes = planesFit ? decodeJpegPlanes(bytes, planesTimeoutMs) : null;
  let bitmap = planes ? null : decodeBitmap(blob, target);
  try {
    const { md5, sha256 } = pdq.digestBytes(bytes);

    const frame = planes && (await planes);
    if (frame) {
      try {
        const hashed = await pdq.hashJpegFrame(frame, { orientation });
        return { md5, sha256, pdq: hashed, scaled: false, decodedBy: "planes" };
      } catch {
        // A browser that hands over the planes differently, in a colour space the module
        // does not convert, or turned otherwise than the file says: the bitmap way below.
      } finally {
        // Before the bitmap is decoded, so that the two are not held at once.
        frame.close();
      }
    }
    bitmap ??= decodeBitmap(blob, target);
    const decoded = await bitmap;
    if (!decoded) return { md5, sha256, problem: "unreadable" };
    // Still too big (turned upright, or a size the header did not tell): shrink on the
    // canvas instead.
    const fit = fitWithin(decoded.width, decoded.height, MAX_CANVAS_PIXELS);
    const { width, height } = fit ?? decoded;
    const canvas = makeCanvas(width, height);
    const context = canvas.getContext("2d", { willReadFrequently: true });
    if (!context) return { md5, sha256, problem: "unreadable" };
    context.drawImage(decoded, 0, 0, width, height);
    const { data } = context.getImageData(0, 0, width, height);
    // Let the canvas's memory go before hashing needs its own copy.
    canvas.width = canvas.height = 0;
    const scaled = Boolean(target || fit);
    return { md5, sha256, pdq: pdq.hashRgba(data, width, height), scaled, decodedBy: "bitmap" };
  } finally {
    // Whichever decode was started is awaited and its frame or bitmap (a decoded copy of
    // the picture) closed, also when digesting or hashing threw; closing one twice does
    // nothing.
    await Promise.all([planes, bitmap].map(async (decoding) => (await decoding)?.close()));
  }
}

/** The picture as an ImageBitmap (at `target`'s width if given), or null if undecodable. */
async function decodeBitmap(blob, target) {
  try {
    return await createImageBitmap(
      blob,
      target ? { ...DECODE, resizeWidth: target.width, resizeQuality: "high" } : DECODE,
    );
  } catch {
    return null;
  }
}

/**
 * A JPEG's decoded 4:2:0 planes, as WebCodecs' `ImageDecoder` gives them (an I420
 * VideoFrame, as stored, its `rotation` and `flip` saying how to show it), or null where
 * it cannot: no `ImageDecoder` (Safari), a JPEG it decodes to RGB all the same (seldom:
 * the caller asks only where the header says 4:2:0), or one that takes longer than
 * `timeoutMs`. The bitmap way does those, and those `hashJpegFrame` refuses (a colour
 * space not JFIF's, a turn the file does not declare). Twice as fast as `createImageBitmap`
 * for a camera's photo, and `takeback-pdq` makes the same RGB of the planes as the browser
 * would (libjpeg's), turned as the browser would turn it.
 */
async function decodeJpegPlanes(bytes, timeoutMs) {
  if (typeof ImageDecoder !== "function") return null;
  let decoder;
  let timer;
  try {
    decoder = new ImageDecoder({ data: bytes, type: "image/jpeg", colorSpaceConversion: "none" });
    const decoding = decoder.decode();
    const gaveUp = new Promise((resolve) => {
      timer = setTimeout(resolve, timeoutMs, null);
    });
    const decoded = await Promise.race([decoding, gaveUp]);
    if (!decoded) {
      // Closing the decoder (below) abandons the decode; a frame that arrives all the same
      // is closed at once.
      decoding.then(({ image }) => image.close(), () => {});
      return null;
    }
    const { image } = decoded;
    if (image.format === "I420") return image;
    image.close();
    return null;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
    decoder?.close();
  }
}
