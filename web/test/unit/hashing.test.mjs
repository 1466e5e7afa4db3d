// Unit tests of web/assets/js/hashing.js under Node, with the browser's decoders
// (`ImageDecoder`, `createImageBitmap`) and the canvas replaced by stand-ins that count
// what is opened and closed. The hasher is the real plain build (web/pdq/takeback_pdq.wasm,
// or the one in TAKEBACK_PDQ_WASM, as in web/pdq/test/).

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { loadPdq } from "../../pdq/takeback-pdq.js";
import { fingerprintBlob } from "../../assets/js/hashing.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const wasmDir = path.resolve(root, process.env.TAKEBACK_PDQ_WASM ?? "web/pdq");
const pdq = await loadPdq(await readFile(path.join(wasmDir, "takeback_pdq.wasm")));
// samples/shapes.jpg: an upright 800×600 JPEG, 4:4:4 (its luma sampled 1×1).
const shapes = await readFile(path.join(root, "samples/shapes.jpg"));
/**
 * `shapes`, its frame header made to say `marker` (SOF0 baseline, SOF2 progressive) and
 * luma sampling (0x22 for 4:2:0). The stand-ins below never decode it: only the header
 * decides whether the planes way is tried.
 */
function jpegSaying(marker, lumaSampling) {
  const bytes = Uint8Array.from(shapes);
  const frame = bytes.findIndex((b, i) => b === 0xff && bytes[i + 1] === 0xc0);
  bytes[frame + 1] = marker;
  bytes[frame + 11] = lumaSampling; // after marker, length, precision, size, count, id
  return new Blob([bytes], { type: "image/jpeg" });
}
// The planes way is tried first for this one.
const jpeg = jpegSaying(0xc0, 0x22);

/**
 * `blob` (a JPEG) with an APP1 Exif segment declaring `orientation` after its start-of-image
 * marker (`orientation` may be a byte EXIF does not define), the rest unchanged.
 */
async function withOrientation(blob, orientation) {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  // "Exif\0\0", then a big-endian TIFF header and one directory holding the orientation.
  const exif = [0x45, 0x78, 0x69, 0x66, 0, 0, 0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, orientation, 0, 0, 0, 0, 0, 0];
  const segment = [0xff, 0xe1, 0, exif.length + 2, ...exif];
  return new Blob([bytes.subarray(0, 2), new Uint8Array(segment), bytes.subarray(2)], { type: "image/jpeg" });
}

const JFIF = { primaries: "bt709", transfer: "iec61966-2-1", matrix: "smpte170m", fullRange: true };

/**
 * Runs `body` with stand-ins for the browser's decoders: `ImageDecoder` gives an I420 frame
 * of the picture in `colorSpace` (grey planes), `createImageBitmap` a bitmap. `seen` counts
 * the decodes, the copies, and the frames and bitmaps closed (closing one twice does
 * nothing, as in a browser).
 */
async function withDecoders(colorSpace, body, { rotation = 0, flip = false } = {}) {
  const seen = { frames: 0, framesClosed: 0, copies: 0, bitmaps: 0, bitmapsClosed: 0 };
  const saved = { ImageDecoder: globalThis.ImageDecoder, createImageBitmap: globalThis.createImageBitmap };
  globalThis.ImageDecoder = class {
    async decode() {
      seen.frames++;
      const [width, height] = [800, 600];
      let open = true;
      return {
        image: {
          format: "I420",
          rotation,
          flip,
          visibleRect: { x: 0, y: 0, width, height },
          colorSpace,
          async copyTo(destination) {
            seen.copies++;
            destination.fill(128);
          },
          close() {
            if (open) seen.framesClosed++;
            open = false;
          },
        },
      };
    }
    close() {}
  };
  globalThis.createImageBitmap = async () => {
    seen.bitmaps++;
    let open = true;
    return {
      width: 800,
      height: 600,
      close() {
        if (open) seen.bitmapsClosed++;
        open = false;
      },
    };
  };
  try {
    await body(seen);
  } finally {
    Object.assign(globalThis, saved);
  }
  return seen;
}

/** A canvas stand-in whose pixels are all mid grey. */
function makeCanvas(width, height) {
  return {
    width,
    height,
    getContext: () => ({
      drawImage() {},
      getImageData: (x, y, w, h) => ({ data: new Uint8ClampedArray(w * h * 4).fill(128) }),
    }),
  };
}

test("a JPEG's planes in JFIF's colour space are hashed, and the frame closed", async () => {
  const seen = await withDecoders(JFIF, async () => {
    const result = await fingerprintBlob(pdq, jpeg, makeCanvas);
    assert.match(result.pdq.hash, /^[0-9a-f]{64}$/);
    assert.equal(result.scaled, false);
    assert.equal(result.decodedBy, "planes");
  });
  assert.deepEqual(seen, { frames: 1, framesClosed: 1, copies: 1, bitmaps: 0, bitmapsClosed: 0 });
});

test("a JPEG's planes in another colour space go the canvas way, and both are closed", async () => {
  for (const colorSpace of [
    { ...JFIF, matrix: "bt709" },
    { ...JFIF, fullRange: false },
  ]) {
    const seen = await withDecoders(colorSpace, async () => {
      const result = await fingerprintBlob(pdq, jpeg, makeCanvas);
      assert.match(result.pdq.hash, /^[0-9a-f]{64}$/);
      assert.equal(result.decodedBy, "bitmap");
    });
    // The planes are not even copied.
    assert.deepEqual(seen, { frames: 1, framesClosed: 1, copies: 0, bitmaps: 1, bitmapsClosed: 1 }, JSON.stringify(colorSpace));
  }
});

test("a turned JPEG is hashed from its planes where the frame says the same turn", async () => {
  // Chromium hands the planes over as stored, its rotation and flip saying how to show them.
  for (const [orientation, turn] of [
    [6, { rotation: 90, flip: false }],
    [3, { rotation: 180, flip: false }],
    [5, { rotation: 90, flip: true }],
  ]) {
    const blob = await withOrientation(jpeg, orientation);
    const seen = await withDecoders(JFIF, async () => {
      const result = await fingerprintBlob(pdq, blob, makeCanvas);
      assert.equal(result.decodedBy, "planes");
      // Grey planes, so the turn is not seen in the hash; web/pdq/test checks the turn.
      assert.deepEqual(result.pdq, pdq.hashJpegYuv420(new Uint8Array(800 * 600 * 3 / 2).fill(128), 800, 600, orientation));
    }, turn);
    assert.deepEqual(seen, { frames: 1, framesClosed: 1, copies: 1, bitmaps: 0, bitmapsClosed: 0 }, `orientation ${orientation}`);
  }
});

test("a JPEG whose frame and file disagree on the turn goes the bitmap way, turned once", async () => {
  for (const [orientation, turn] of [
    // A browser that turned the planes itself, or did not read the file's orientation.
    [6, { rotation: 0, flip: false }],
    // One that read an orientation the file's EXIF does not say.
    [1, { rotation: 90, flip: false }],
  ]) {
    const blob = orientation === 1 ? jpeg : await withOrientation(jpeg, orientation);
    const seen = await withDecoders(JFIF, async () => {
      assert.equal((await fingerprintBlob(pdq, blob, makeCanvas)).decodedBy, "bitmap");
    }, turn);
    // The planes are not even copied.
    assert.deepEqual(seen, { frames: 1, framesClosed: 1, copies: 0, bitmaps: 1, bitmapsClosed: 1 }, JSON.stringify(turn));
  }
});

test("a JPEG whose orientation cannot be read goes straight the bitmap way", async () => {
  const blob = await withOrientation(jpeg, 9);
  const seen = await withDecoders(JFIF, async () => {
    assert.equal((await fingerprintBlob(pdq, blob, makeCanvas)).decodedBy, "bitmap");
  });
  assert.deepEqual(seen, { frames: 0, framesClosed: 0, copies: 0, bitmaps: 1, bitmapsClosed: 1 });
});

test("a JPEG whose header does not say baseline 4:2:0 goes straight the bitmap way", async () => {
  for (const [what, blob] of [
    ["4:4:4", jpegSaying(0xc0, 0x11)],
    ["4:2:2", jpegSaying(0xc0, 0x21)],
    ["progressive 4:2:0", jpegSaying(0xc2, 0x22)],
  ]) {
    const seen = await withDecoders(JFIF, async () => {
      const result = await fingerprintBlob(pdq, blob, makeCanvas);
      assert.match(result.pdq.hash, /^[0-9a-f]{64}$/);
      assert.equal(result.decodedBy, "bitmap");
    });
    // No ImageDecoder is asked: one decode, not two.
    assert.deepEqual(seen, { frames: 0, framesClosed: 0, copies: 0, bitmaps: 1, bitmapsClosed: 1 }, what);
  }
});

test("a decode already started is awaited and closed when digesting throws", async () => {
  const failing = {
    digestBytes() {
      throw new Error("out of memory");
    },
  };
  // The planes way (a JPEG) and the bitmap way (anything else).
  const png = new Blob([new Uint8Array(100)], { type: "image/png" });
  for (const [blob, expected] of [
    [jpeg, { frames: 1, framesClosed: 1, copies: 0, bitmaps: 0, bitmapsClosed: 0 }],
    [png, { frames: 0, framesClosed: 0, copies: 0, bitmaps: 1, bitmapsClosed: 1 }],
  ]) {
    const seen = await withDecoders(JFIF, async () => {
      await assert.rejects(fingerprintBlob(failing, blob, makeCanvas), /out of memory/);
    });
    assert.deepEqual(seen, expected, blob.type);
  }
});

test("a JPEG whose planes never come is fingerprinted the canvas way after the timeout", async () => {
  const seen = await withDecoders(JFIF, async () => {
    let abandoned = 0;
    globalThis.ImageDecoder = class {
      decode() {
        return new Promise(() => {});
      }
      close() {
        abandoned++;
      }
    };
    const result = await fingerprintBlob(pdq, jpeg, makeCanvas, { planesTimeoutMs: 20 });
    assert.match(result.pdq.hash, /^[0-9a-f]{64}$/);
    assert.equal(result.decodedBy, "bitmap");
    assert.equal(abandoned, 1, "the decoder is closed");
  });
  assert.deepEqual(seen, { frames: 0, framesClosed: 0, copies: 0, bitmaps: 1, bitmapsClosed: 1 });
});
