// Unit tests of takeback-pdq.js against the real .wasm files, both builds. Run from the
// repository root:
//
//   node --test web/pdq/test/
//
// They test the committed web/pdq/takeback_pdq.wasm and takeback_pdq_simd.wasm;
// TAKEBACK_PDQ_WASM names another folder holding both (relative paths are from the
// repository root), as tools/test does with the ones it has just built with tools/wasm.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { chooseBuild, loadBestPdq, loadPdq, simdSupported } from "../takeback-pdq.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const wasmDir = path.resolve(root, process.env.TAKEBACK_PDQ_WASM ?? "web/pdq");

/** Each build, and the engine it hashes with. */
const BUILDS = { "takeback_pdq.wasm": "portable", "takeback_pdq_simd.wasm": "simd128" };

async function load(build) {
  const wasmPath = path.join(wasmDir, build);
  let bytes;
  try {
    bytes = await readFile(wasmPath);
  } catch (error) {
    // Fail, never skip: a missing .wasm must not look like a passing suite.
    throw new Error(
      `cannot read ${wasmPath} (${error.code}). Build it with \`tools/wasm\`, ` +
        "or point TAKEBACK_PDQ_WASM at a folder holding both builds.",
    );
  }
  return loadPdq(bytes);
}

async function wasmBytes(build) {
  return readFile(path.join(wasmDir, build));
}

test("SIMD is detected, and the SIMD build chosen where it runs", () => {
  // Node 18 and later run WebAssembly SIMD.
  assert.equal(simdSupported(), true);
  assert.equal(chooseBuild({ plain: "plain.wasm", simd: "simd.wasm" }), "simd.wasm");
});

/** Runs `body` with `WebAssembly.validate` replaced by `validate`, an engine without SIMD. */
async function withValidate(validate, body) {
  const original = WebAssembly.validate;
  WebAssembly.validate = validate;
  try {
    return await body();
  } finally {
    WebAssembly.validate = original;
  }
}

test("without SIMD, or when validating throws, the plain build is chosen", async () => {
  for (const validate of [
    () => false,
    () => {
      throw new TypeError("no such instruction");
    },
  ]) {
    await withValidate(validate, async () => {
      assert.equal(simdSupported(), false);
      assert.equal(chooseBuild({ plain: "plain.wasm", simd: "simd.wasm" }), "plain.wasm");
      // The SIMD build is not even tried (here it would load, and hash with SIMD).
      const pdq = await loadBestPdq({
        plain: await wasmBytes("takeback_pdq.wasm"),
        simd: await wasmBytes("takeback_pdq_simd.wasm"),
      });
      assert.equal(pdq.engine, "portable");
    });
  }
});

/** A valid module that no one can instantiate: it imports a function nobody provides. */
const UNLINKABLE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // types: one, () -> ()
  0x02, 0x07, 0x01, 0x01, 0x6d, 0x01, 0x66, 0x00, 0x00, // imports: function "m" "f" of type 0
]);

test("the SIMD build is loaded where it runs, and the plain one if it fails to load", async () => {
  const plain = await wasmBytes("takeback_pdq.wasm");
  const simd = await wasmBytes("takeback_pdq_simd.wasm");
  assert.equal((await loadBestPdq({ plain, simd })).engine, "simd128");
  // Validation passes yet the module does not compile (a truncated download, say), or it
  // compiles but does not instantiate: the plain build, not the same file again.
  assert.ok(WebAssembly.validate(UNLINKABLE));
  for (const broken of [simd.subarray(0, simd.length >> 1), UNLINKABLE]) {
    assert.equal((await loadBestPdq({ plain, simd: broken })).engine, "portable");
  }
  // Neither loads: the plain build's error (the SIMD one's would be a CompileError).
  await assert.rejects(loadBestPdq({ plain: UNLINKABLE, simd: simd.subarray(0, 100) }), /Import #0/);
});

const ZERO_HASH = "0".repeat(64);

/**
 * `rgba`, `width` × `height` pixels as stored, shown as EXIF's `orientation` says, written
 * from the tag's definition: 2 mirrors left to right, 3 turns 180°, 4 mirrors top to
 * bottom, 5 transposes, 6 turns 90° clockwise, 7 transverses, 8 turns 90° anticlockwise.
 */
function turned(rgba, width, height, orientation) {
  const [shownWidth, shownHeight] = orientation >= 5 ? [height, width] : [width, height];
  const out = new Uint8Array(rgba.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [right, bottom] = [width - 1 - x, height - 1 - y];
      const [shownX, shownY] = {
        1: [x, y],
        2: [right, y],
        3: [right, bottom],
        4: [x, bottom],
        5: [y, x],
        6: [bottom, x],
        7: [bottom, right],
        8: [y, right],
      }[orientation];
      out.set(rgba.subarray((y * width + x) * 4, (y * width + x + 1) * 4), (shownY * shownWidth + shownX) * 4);
    }
  }
  return { rgba: out, width: shownWidth, height: shownHeight };
}

/** Deterministic RGBA pixels with detail at several scales (a stand-in for a photo). */
function pattern(width, height) {
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      rgba[i] = (x * 255) / width;
      rgba[i + 1] = (y * 255) / height;
      rgba[i + 2] = ((x >> 4) ^ (y >> 3)) & 1 ? 220 : 30;
      rgba[i + 3] = (x * 7 + y) & 255; // varying alpha, which must not matter
    }
  }
  return rgba;
}

for (const [build, engine] of Object.entries(BUILDS)) {
  test(`${build}: loads, reports ABI version 5 and its engine`, async () => {
    const pdq = await load(build);
    assert.equal(pdq.abiVersion, 5);
    assert.equal(pdq.engine, engine);
  });

  test(`${build}: hashes an image to 64 hex digits and a quality in 0..100`, async () => {
    const pdq = await load(build);
    const rgba = pattern(200, 150);
    const { hash, quality } = pdq.hashRgba(rgba, 200, 150);
    assert.match(hash, /^[0-9a-f]{64}$/);
    assert.notEqual(hash, ZERO_HASH);
    assert.ok(Number.isInteger(quality) && quality >= 0 && quality <= 100, `quality ${quality}`);
    // Deterministic, the same from a Uint8Array, and blind to alpha.
    assert.deepEqual(pdq.hashRgba(new Uint8Array(rgba), 200, 150), { hash, quality });
    const opaque = rgba.map((v, i) => (i % 4 === 3 ? 255 : v));
    assert.equal(pdq.hashRgba(opaque, 200, 150).hash, hash);
  });

  test(`${build}: refuses buffers of the wrong length or type, and bad dimensions`, async () => {
    const pdq = await load(build);
    assert.throws(() => pdq.hashRgba(new Uint8Array(10 * 10 * 4 - 1), 10, 10), /needs 400 bytes, got 399/);
    assert.throws(() => pdq.hashRgba(new Uint8Array(10 * 10 * 3), 10, 10), /needs 400 bytes/);
    assert.throws(() => pdq.hashRgba([0, 0, 0, 0], 1, 1), TypeError);
    assert.throws(() => pdq.hashRgba(new Uint8Array(4), 1.5, 1), RangeError);
    assert.throws(() => pdq.hashRgba(new Uint8Array(4), -1, -1), RangeError);
    // Still usable afterwards.
    assert.match(pdq.hashRgba(pattern(8, 8), 8, 8).hash, /^[0-9a-f]{64}$/);
  });

  test(`${build}: images under 5 pixels on a side give the zero hash with quality 0`, async () => {
    const pdq = await load(build);
    for (const [width, height] of [[0, 0], [1, 1], [4, 4], [4, 300], [300, 4], [0, 10]]) {
      assert.deepEqual(
        pdq.hashRgba(pattern(width, height), width, height),
        { hash: ZERO_HASH, quality: 0 },
        `${width}x${height}`,
      );
    }
    // 5×5 is the smallest image with a real hash.
    assert.notEqual(pdq.hashRgba(pattern(5, 5), 5, 5).hash, ZERO_HASH);
  });

  test(`${build}: a flat image hashes with quality 0`, async () => {
    const pdq = await load(build);
    assert.equal(pdq.hashRgba(new Uint8Array(64 * 64 * 4).fill(128), 64, 64).quality, 0);
  });

  test(`${build}: repeated calls do not leak memory`, async () => {
    const pdq = await load(build);
    const rgba = pattern(256, 256);
    const expected = pdq.hashRgba(rgba, 256, 256);
    const before = pdq.memory.buffer.byteLength;
    for (let i = 0; i < 200; i++) {
      assert.deepEqual(pdq.hashRgba(rgba, 256, 256), expected);
      // Refused calls leave nothing behind either.
      assert.throws(() => pdq.hashRgba(rgba, 256, 255));
    }
    // 200 leaked 256 KiB buffers would be 50 MiB; allow one more image's worth of slack.
    const grown = pdq.memory.buffer.byteLength - before;
    assert.ok(grown <= rgba.length, `memory grew by ${grown} bytes over 200 calls`);
  });

  const EMPTY = {
    md5: "d41d8cd98f00b204e9800998ecf8427e",
    sha256: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  };
  const ABC = {
    md5: "900150983cd24fb0d6963f7d28e17f72",
    sha256: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  };

  /** Deterministic pseudo-random bytes (xorshift32), standing in for a file. */
  function fileBytes(len, seed = 1) {
    const bytes = new Uint8Array(len);
    let x = seed;
    for (let i = 0; i < len; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      bytes[i] = x & 255;
    }
    return bytes;
  }

  test(`${build}: digests known vectors`, async () => {
    const pdq = await load(build);
    assert.deepEqual(pdq.digestBytes(new Uint8Array(0)), EMPTY);
    assert.deepEqual(pdq.digestBytes(new ArrayBuffer(0)), EMPTY);
    assert.deepEqual(pdq.digestBytes(new TextEncoder().encode("abc")), ABC);
    assert.deepEqual(pdq.digestBytes(new TextEncoder().encode("The quick brown fox jumps over the lazy dog")), {
      md5: "9e107d9d372bb6826bd81d3542a419d6",
      sha256: "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592",
    });
  });

  test(`${build}: an ArrayBuffer and its views digest the same`, async () => {
    const pdq = await load(build);
    const bytes = fileBytes(1000);
    const expected = pdq.digestBytes(bytes);
    assert.match(expected.md5, /^[0-9a-f]{32}$/);
    assert.match(expected.sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(pdq.digestBytes(bytes.buffer), expected);
    assert.deepEqual(pdq.digestBytes(new DataView(bytes.buffer)), expected);
    assert.deepEqual(pdq.digestBytes(new Uint32Array(bytes.buffer)), expected);
    assert.deepEqual(pdq.digestBytes(new Uint8ClampedArray(bytes.buffer)), expected);
    // A view covers only its own bytes, not the whole buffer under it.
    const middle = new Uint8Array(bytes.buffer, 3, 3);
    middle.set([0x61, 0x62, 0x63]);
    assert.deepEqual(pdq.digestBytes(middle), ABC);
    assert.deepEqual(pdq.digestBytes(new DataView(bytes.buffer, 3, 3)), ABC);
    assert.deepEqual(pdq.digestBytes(bytes.subarray(500, 500)), EMPTY);
  });

  test(`${build}: digests a larger buffer, growing the memory, without leaking it`, async () => {
    const pdq = await load(build);
    const big = fileBytes(5 * 1024 * 1024 + 3, 7);
    const expected = pdq.digestBytes(big);
    assert.match(expected.md5, /^[0-9a-f]{32}$/);
    assert.match(expected.sha256, /^[0-9a-f]{64}$/);
    // Not the digests of a prefix: every byte counts.
    assert.notDeepEqual(pdq.digestBytes(big.subarray(0, big.length - 1)), expected);
    const flipped = big.slice();
    flipped[big.length - 1] ^= 1;
    assert.notDeepEqual(pdq.digestBytes(flipped), expected);

    const before = pdq.memory.buffer.byteLength;
    for (let i = 0; i < 20; i++) {
      assert.deepEqual(pdq.digestBytes(big), expected);
    }
    // 20 leaked 5 MiB buffers would be 100 MiB; allow one more buffer's worth of slack.
    const grown = pdq.memory.buffer.byteLength - before;
    assert.ok(grown <= big.length, `memory grew by ${grown} bytes over 20 calls`);
  });

  test(`${build}: digests and hashes do not disturb each other`, async () => {
    const pdq = await load(build);
    const rgba = pattern(64, 64);
    const hashed = pdq.hashRgba(rgba, 64, 64);
    assert.deepEqual(pdq.digestBytes(rgba), pdq.digestBytes(new Uint8Array(rgba)));
    assert.deepEqual(pdq.hashRgba(rgba, 64, 64), hashed);
    assert.deepEqual(pdq.digestBytes(new TextEncoder().encode("abc")), ABC);
  });

  test(`${build}: refuses anything but an ArrayBuffer or a view`, async () => {
    const pdq = await load(build);
    for (const bad of ["abc", [0x61, 0x62, 0x63], 3, null, undefined, {}, { byteLength: 3 }]) {
      assert.throws(() => pdq.digestBytes(bad), TypeError, String(bad));
    }
    // Still usable afterwards.
    assert.deepEqual(pdq.digestBytes(new Uint8Array(0)), EMPTY);
  });

  test(`${build}: a streamed digest equals the one-shot digest, whatever the pieces`, async () => {
    const pdq = await load(build);
    const bytes = new Uint8Array(200_000).map((_, i) => (i * 2654435761) >>> 24);
    const whole = pdq.digestBytes(bytes);
    for (const piece of [1000, 65_536, 200_000]) {
      const stream = pdq.digestStream();
      for (let start = 0; start < bytes.length; start += piece) {
        stream.update(bytes.subarray(start, start + piece));
      }
      assert.deepEqual(stream.finish(), whole, `pieces of ${piece}`);
    }
    const empty = pdq.digestStream();
    assert.deepEqual(empty.finish(), pdq.digestBytes(new Uint8Array(0)));
    assert.throws(() => empty.update(bytes), /finished/);
    // One at a time; an abandoned stream frees the module for the next.
    const first = pdq.digestStream();
    assert.throws(() => pdq.digestStream(), /already open/);
    first.abandon();
    const second = pdq.digestStream();
    second.update(bytes);
    assert.deepEqual(second.finish(), whole);
  });

  test(`${build}: a JPEG's 4:2:0 planes hash as the RGBA pixels made of them`, async () => {
    const pdq = await load(build);
    for (const [width, height] of [[1, 1], [5, 5], [64, 64], [201, 151], [200, 150]]) {
      const length = width * height + 2 * Math.ceil(width / 2) * Math.ceil(height / 2);
      const planes = fileBytes(length, width * 1000 + height);
      const rgba = pdq.jpegYuv420ToRgba(planes, width, height);
      assert.equal(rgba.length, width * height * 4);
      assert.ok(rgba.every((v, i) => i % 4 !== 3 || v === 255), "opaque");
      assert.deepEqual(pdq.hashJpegYuv420(planes, width, height), pdq.hashRgba(rgba, width, height));
    }
    // Y 128 with neutral chroma is mid grey.
    const grey = pdq.jpegYuv420ToRgba(new Uint8Array(6).fill(128), 2, 2);
    assert.deepEqual([...grey], Array(4).fill([128, 128, 128, 255]).flat());
  });

  test(`${build}: each EXIF orientation hashes the planes' pixels turned as EXIF says`, async () => {
    const pdq = await load(build);
    // Odd sizes, so that an edge off by one shows; 3×5 and 7×4 hash to zero (under 5 pixels
    // a side), so their pixels are compared too.
    for (const [width, height] of [[3, 5], [7, 4], [201, 151], [64, 97]]) {
      const planes = fileBytes(width * height + 2 * Math.ceil(width / 2) * Math.ceil(height / 2), width + height);
      const stored = pdq.jpegYuv420ToRgba(planes, width, height);
      const hashes = new Set();
      for (let orientation = 1; orientation <= 8; orientation++) {
        const { rgba, width: shownWidth, height: shownHeight } = turned(stored, width, height, orientation);
        const what = `${width}x${height}, orientation ${orientation}`;
        assert.deepEqual(pdq.jpegYuv420ToRgba(planes, width, height, orientation), rgba, what);
        const hashed = pdq.hashJpegYuv420(planes, width, height, orientation);
        assert.deepEqual(hashed, pdq.hashRgba(rgba, shownWidth, shownHeight), what);
        hashes.add(hashed.hash);
      }
      // PDQ tells mirror images and turns apart: eight hashes, unless too small to hash.
      assert.equal(hashes.size, width < 5 || height < 5 ? 1 : 8, `${width}x${height}`);
    }
    for (const orientation of [0, 9, 1.5, "6", null]) {
      assert.throws(() => pdq.hashJpegYuv420(new Uint8Array(6), 2, 2, orientation), RangeError, String(orientation));
    }
  });

  test(`${build}: refuses planes of the wrong length or type, without leaking`, async () => {
    const pdq = await load(build);
    assert.throws(() => pdq.hashJpegYuv420(new Uint8Array(26), 5, 3), /are 27 bytes, got 26/);
    assert.throws(() => pdq.hashJpegYuv420([0, 0, 0, 0, 0, 0], 2, 2), TypeError);
    assert.throws(() => pdq.hashJpegYuv420(new Uint8Array(6), 1.5, 2), RangeError);
    // More than 2^31 - 1 bytes, which no buffer in the module's memory can hold, and which
    // would wrap as an i32.
    assert.throws(() => pdq.hashJpegYuv420(new Uint8Array(6), 40_000, 40_000), /too large/);
    assert.throws(() => pdq.hashRgba(new Uint8Array(4), 65_536, 65_536), /too large/);
    assert.throws(() => pdq.jpegYuv420ToRgba(new Uint8Array(6), 2 ** 32 - 1, 2 ** 32 - 1), /too large/);
    const planes = fileBytes(256 * 256 * 3 / 2);
    const expected = pdq.hashJpegYuv420(planes, 256, 256);
    const before = pdq.memory.buffer.byteLength;
    for (let i = 0; i < 100; i++) {
      assert.deepEqual(pdq.hashJpegYuv420(planes, 256, 256), expected);
    }
    const grown = pdq.memory.buffer.byteLength - before;
    assert.ok(grown <= 256 * 256 * 4, `memory grew by ${grown} bytes over 100 calls`);
  });

  /**
   * A stand-in for the I420 VideoFrame WebCodecs' ImageDecoder gives: `planes` packed, and
   * `colorSpace` as the frame would say it. Counts its copies.
   */
  function stubFrame(planes, width, height, colorSpace, format = "I420", turn = {}) {
    const frame = {
      format,
      ...turn,
      visibleRect: { x: 0, y: 0, width, height },
      colorSpace,
      copies: 0,
      async copyTo(destination, { layout }) {
        frame.copies++;
        // Each plane row by row, at the offsets and strides asked for.
        const [cw, ch] = [Math.ceil(width / 2), Math.ceil(height / 2)];
        const sizes = [[width, height], [cw, ch], [cw, ch]];
        let source = 0;
        sizes.forEach(([w, h], p) => {
          for (let y = 0; y < h; y++, source += w) {
            destination.set(planes.subarray(source, source + w), layout[p].offset + y * layout[p].stride);
          }
        });
        return layout;
      },
    };
    return frame;
  }

  test(`${build}: a frame in JFIF's colour space hashes as its planes`, async () => {
    const pdq = await load(build);
    const [width, height] = [101, 75];
    const planes = fileBytes(width * height + 2 * 51 * 38, 3);
    const expected = pdq.hashJpegYuv420(planes, width, height);
    for (const colorSpace of [
      { primaries: "bt709", transfer: "iec61966-2-1", matrix: "smpte170m", fullRange: true },
      { matrix: "bt470bg", fullRange: true },
      { matrix: null, fullRange: null },
      {},
      undefined,
    ]) {
      const frame = stubFrame(planes, width, height, colorSpace);
      assert.deepEqual(await pdq.hashJpegFrame(frame), expected, JSON.stringify(colorSpace));
      assert.equal(frame.copies, 1);
    }
  });

  test(`${build}: a frame is turned as its rotation and flip say, where the file says the same`, async () => {
    const pdq = await load(build);
    const [width, height] = [101, 75];
    const planes = fileBytes(width * height + 2 * 51 * 38, 4);
    // As Chromium's ImageDecoder describes a JPEG of each EXIF orientation: rotated
    // clockwise, then mirrored left to right.
    const turns = [
      [1, { rotation: 0, flip: false }],
      [2, { rotation: 0, flip: true }],
      [3, { rotation: 180, flip: false }],
      [4, { rotation: 180, flip: true }],
      [5, { rotation: 90, flip: true }],
      [6, { rotation: 90, flip: false }],
      [7, { rotation: 270, flip: true }],
      [8, { rotation: 270, flip: false }],
    ];
    for (const [orientation, turn] of turns) {
      const frame = stubFrame(planes, width, height, undefined, "I420", turn);
      const expected = pdq.hashJpegYuv420(planes, width, height, orientation);
      assert.deepEqual(await pdq.hashJpegFrame(frame, { orientation }), expected, `orientation ${orientation}`);
      assert.equal(frame.copies, 1);
    }
    // File and frame disagree (a browser that turned the planes itself, or did not read
    // the file's orientation): refused before copying, never turned twice or not at all.
    for (const [orientation, turn] of [
      [6, { rotation: 0, flip: false }],
      [6, {}],
      [1, { rotation: 90, flip: false }],
      [2, { rotation: 0, flip: false }],
      [5, { rotation: 90, flip: false }],
      [1, { rotation: 45, flip: false }],
    ]) {
      const frame = stubFrame(planes, width, height, undefined, "I420", turn);
      await assert.rejects(pdq.hashJpegFrame(frame, { orientation }), /to be shown with orientation/, JSON.stringify(turn));
      assert.equal(frame.copies, 0);
    }
    await assert.rejects(pdq.hashJpegFrame(stubFrame(planes, width, height), { orientation: 0 }), RangeError);
  });

  test(`${build}: a frame in any other colour space is refused before copying`, async () => {
    const pdq = await load(build);
    const planes = fileBytes(8 * 8 + 2 * 4 * 4);
    for (const colorSpace of [
      { matrix: "smpte170m", fullRange: false },
      { matrix: "bt470bg", fullRange: false },
      { matrix: null, fullRange: false },
      { matrix: "bt709", fullRange: true },
      { matrix: "bt2020-ncl", fullRange: true },
      { matrix: "rgb", fullRange: true },
    ]) {
      const frame = stubFrame(planes, 8, 8, colorSpace);
      await assert.rejects(pdq.hashJpegFrame(frame), /not a JPEG's full-range BT\.601/, JSON.stringify(colorSpace));
      assert.equal(frame.copies, 0);
    }
    const rgb = stubFrame(planes, 8, 8, { matrix: "rgb", fullRange: true }, "RGBX");
    await assert.rejects(pdq.hashJpegFrame(rgb), /RGBX frame is not/);
    // Too large for the module's memory: refused, nothing allocated.
    const before = pdq.memory.buffer.byteLength;
    const huge = stubFrame(planes, 40_000, 40_000, { matrix: "smpte170m", fullRange: true });
    await assert.rejects(pdq.hashJpegFrame(huge), RangeError);
    assert.equal(huge.copies, 0);
    assert.equal(pdq.memory.buffer.byteLength, before);
  });

  test(`${build}: no picture's bytes stay in the module's memory after hashing`, async () => {
    const pdq = await load(build);
    const memory = () => Buffer.from(pdq.memory.buffer);
    // Random bytes: any 32 of them in a row are found in memory only if left there.
    const needles = (bytes) => [0, bytes.length >> 1].map((at) => Buffer.from(bytes.subarray(at, at + 32)));
    const rgba = fileBytes(300 * 200 * 4, 11);
    pdq.hashRgba(rgba, 300, 200);
    const file = fileBytes(100_000, 12);
    pdq.digestBytes(file);
    const planes = fileBytes(300 * 200 + 2 * 150 * 100, 13);
    const converted = pdq.jpegYuv420ToRgba(planes, 300, 200);
    pdq.hashJpegYuv420(planes, 300, 200);
    // Turned, the pixels are written in another order: a column of the stored picture is a
    // row of this one.
    const turnedPlanes = fileBytes(300 * 200 + 2 * 150 * 100, 14);
    const turnedRgba = pdq.jpegYuv420ToRgba(turnedPlanes, 300, 200, 6);
    pdq.hashJpegYuv420(turnedPlanes, 300, 200, 6);
    for (const [what, bytes] of [
      ["RGBA", rgba],
      ["file", file],
      ["planes", planes],
      ["converted RGBA", converted],
      ["turned planes", turnedPlanes],
      ["turned RGBA", turnedRgba],
    ]) {
      for (const needle of needles(bytes)) {
        assert.equal(memory().indexOf(needle), -1, `${what} left in memory`);
      }
    }
  });

  test(`${build}: no run of a picture's pixels or of their luma is left in memory`, async () => {
    const pdq = await load(build);
    // Four pixels no photo is likely to hold, repeated over the picture, so that each row
    // of luma the hasher makes is four particular floats repeated.
    const tile = [0x5a, 0xc3, 0x17, 0xfe, 0x3c, 0x96, 0xe1, 0xfd, 0xa5, 0x0f, 0x78, 0xfc, 0x11, 0xee, 0x42, 0xfb];
    const [width, height] = [640, 480];
    const rgba = new Uint8Array(width * height * 4).map((_, i) => tile[i % tile.length]);
    pdq.hashRgba(rgba, width, height);
    // Luma as takeback-pdq computes it: 0.299 R + 0.587 G + 0.114 B, left to right in f32.
    const f32 = Math.fround;
    const luma = Float32Array.from([0, 4, 8, 12], (i) => {
      const [r, g, b] = tile.slice(i, i + 3).map((v, c) => f32(f32([0.299, 0.587, 0.114][c]) * v));
      return f32(f32(r + g) + b);
    });
    const memory = Buffer.from(pdq.memory.buffer);
    assert.equal(memory.indexOf(Buffer.from(tile)), -1, "pixels left in memory");
    assert.equal(memory.indexOf(Buffer.from(luma.buffer)), -1, "a row of luma left in memory");
  });

  test(`${build}: after hashing, memory holds nothing of the picture but its hash and quality`, async () => {
    // Two instances make the same calls on different pictures of the same sizes. Anything
    // made of the pixels and left behind (luma rows, the 64×64 blurred picture, the DCT's
    // values, upsampled chroma, on the heap or the stack) would make their memories differ
    // beyond the stored hash digits and quality.
    const [width, height] = [640, 480];
    const [jpegWidth, jpegHeight] = [301, 201];
    const planesLength = jpegWidth * jpegHeight + 2 * 151 * 101;
    const forward = pattern(width, height);
    const pictures = [
      { rgba: forward, planes: fileBytes(planesLength, 21) },
      { rgba: forward.slice().reverse(), planes: fileBytes(planesLength, 22) },
    ];
    const [a, b] = await Promise.all(
      pictures.map(async ({ rgba, planes }) => {
        const pdq = await load(build);
        pdq.hashJpegYuv420(planes, jpegWidth, jpegHeight);
        const { hash, quality } = pdq.hashRgba(rgba, width, height);
        return { memory: Buffer.from(pdq.memory.buffer), hash, quality };
      }),
    );
    assert.notEqual(a.hash, b.hash);
    assert.equal(a.memory.length, b.memory.length);
    // Stored once, in the same place: no copy of them is left on the stack either.
    const hexAt = a.memory.indexOf(a.hash);
    assert.ok(hexAt > 0 && b.memory.indexOf(b.hash) === hexAt, "the hash's digits are stored in one place");
    assert.equal(a.memory.indexOf(a.hash, hexAt + 1), -1, "the hash's digits are stored once");
    const differing = [];
    for (let i = 0; i < a.memory.length; i++) {
      if (a.memory[i] !== b.memory[i] && (i < hexAt || i >= hexAt + 64)) differing.push(i);
    }
    // The stored quality, where the two differ: one aligned 32-bit word holding each.
    const word = differing.length > 0 ? differing[0] & ~3 : -1;
    const isQuality = (i) =>
      (i & ~3) === word && a.memory.readInt32LE(word) === a.quality && b.memory.readInt32LE(word) === b.quality;
    const left = differing.filter((i) => !isQuality(i));
    assert.equal(left.length, 0, `${left.length} bytes differ, the first at ${left[0]}, the last at ${left.at(-1)}`);
  });
}

test("both builds give the same hashes", async () => {
  const [plain, simd] = await Promise.all(Object.keys(BUILDS).map(load));
  for (const [width, height] of [[5, 5], [63, 65], [333, 517], [1000, 7]]) {
    const rgba = pattern(width, height);
    assert.deepEqual(simd.hashRgba(rgba, width, height), plain.hashRgba(rgba, width, height), `${width}x${height}`);
  }
});
