// PDQ hashing, MD5 and SHA-256 in the browser (or Node 18+), with the WebAssembly build of
// the `takeback-pdq-wasm` crate. Plain ES module: no dependencies, no build step, no
// generated glue. The C ABI it calls is described in crates/pdq-wasm/src/lib.rs.
//
// The digests come from the module too, not from WebCrypto: WebCrypto has no MD5, and
// pages served over plain HTTP have no `crypto.subtle` at all.
//
// This module only computes. It sends nothing over the network: the pixels and the file's
// bytes are processed inside the page, and the only request it may make is fetching the
// .wasm itself when given a URL.
//
//   import { loadBestPdq } from "./takeback-pdq.js";
//   // The SIMD build where the browser runs WebAssembly SIMD (the plain one should it fail
//   // to load), the plain one elsewhere.
//   const pdq = await loadBestPdq({ plain: "takeback_pdq_wasm.wasm", simd: "takeback_pdq_simd.wasm" });
//   const { data, width, height } = canvas.getContext("2d").getImageData(0, 0, w, h);
//   const { hash, quality } = pdq.hashRgba(data, width, height);
//   const { md5, sha256 } = pdq.digestBytes(await file.arrayBuffer());
//   // A file too big to hold at once (a video), in pieces:
//   const stream = pdq.digestStream();
//   for (...) stream.update(await file.slice(start, end).arrayBuffer());
//   const { md5, sha256 } = stream.finish();
//   // A JPEG decoded by WebCodecs' ImageDecoder to its 4:2:0 planes (an I420 VideoFrame),
//   // turned upright by the EXIF orientation the file declares (1 if none):
//   const { hash, quality } = await pdq.hashJpegFrame(frame, { orientation });

/** The ABI version this loader speaks (`takeback_abi_version()`). */
const ABI_VERSION = 5;

/** What `takeback_pdq_engine()` numbers each engine. */
const ENGINES = { 0: "portable", 1: "avx2", 2: "simd128" };

/**
 * The smallest module that uses WebAssembly SIMD: one function returning a v128, whose
 * body is `i32.const 0; i8x16.splat; i8x16.popcnt`. `i8x16.popcnt` came last into the
 * standard, so an engine that validates it runs the SIMD that compilers emit today.
 */
const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // types: one, () -> v128
  0x03, 0x02, 0x01, 0x00, // functions: one, of type 0
  0x0a, 0x0a, 0x01, 0x08, 0x00, // code: one body of 8 bytes, no locals
  0x41, 0x00, 0xfd, 0x0f, 0xfd, 0x62, 0x0b, // i32.const 0, i8x16.splat, i8x16.popcnt, end
]);

/** Whether this engine runs WebAssembly SIMD (`simd128`). */
export function simdSupported() {
  try {
    return WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

/**
 * Which build of the module to load: `simd` where the engine runs WebAssembly SIMD (about
 * twice as fast), else `plain`. Both give the same hashes; a module with SIMD instructions
 * would not even compile elsewhere, hence two files.
 *
 * @template T
 * @param {{ plain: T, simd: T }} builds
 * @returns {T}
 */
export function chooseBuild({ plain, simd }) {
  return simdSupported() ? simd : plain;
}

/**
 * Loads the build `chooseBuild` picks; if that is the SIMD build and it fails to load
 * (validation is not compilation: an engine may know the instructions yet refuse the
 * module, or the download may fail), the plain one instead, rather than the same failing
 * file again.
 *
 * @param {{ plain: string | URL | ArrayBuffer | ArrayBufferView,
 *   simd: string | URL | ArrayBuffer | ArrayBufferView }} builds
 * @returns {ReturnType<typeof loadPdq>}
 */
export function loadBestPdq({ plain, simd }) {
  if (!simdSupported()) return loadPdq(plain);
  return loadPdq(simd).catch(() => loadPdq(plain));
}

/**
 * The longest buffer the module's memory can hold for one call: a Rust slice is at most
 * `isize::MAX` bytes, 2^31 − 1 in 32-bit WebAssembly, and a longer length would wrap
 * when passed as an `i32`.
 */
const MAX_BUFFER = 0x7fffffff;

/**
 * Whether a decoded JPEG's `VideoColorSpace` is what the module's conversion assumes: JFIF's
 * full-range BT.601 (WebCodecs names that matrix `bt470bg` or `smpte170m`: the same
 * coefficients). A colour space that leaves either unsaid is taken as JFIF's, the JPEG
 * default.
 */
function isJfifColorSpace(colorSpace) {
  const matrix = colorSpace?.matrix;
  return (
    colorSpace?.fullRange !== false &&
    (matrix === undefined || matrix === null || matrix === "bt470bg" || matrix === "smpte170m")
  );
}

/** Meanings of the negative codes `takeback_pdq_hash_rgba` returns. */
const ERRORS = {
  [-1]: "null pixel pointer",
  [-2]: "image dimensions too large",
  [-3]: "pixel buffer has the wrong length",
};

/** Meanings of the negative codes `takeback_jpeg_yuv420_to_rgba` returns. */
const JPEG_ERRORS = {
  [-1]: "null pointer",
  [-2]: "image dimensions too large",
  [-3]: "buffer of the wrong length",
  [-5]: "not an EXIF orientation",
};

/**
 * The EXIF orientation (1 to 8) of each `rotation` (degrees clockwise) and `flip` (a
 * mirroring left to right after the rotation) a VideoFrame may have: Chromium's
 * `ImageDecoder` hands a JPEG's planes over as stored and says so how to show them.
 */
const FRAME_ORIENTATIONS = { 0: 1, "0 flip": 2, 180: 3, "180 flip": 4, "90 flip": 5, 90: 6, "270 flip": 7, 270: 8 };

/**
 * The EXIF orientation a frame's `rotation` and `flip` describe, or null. A frame without
 * them (a browser older than them) is taken as upright.
 */
function frameOrientation({ rotation = 0, flip = false }) {
  return FRAME_ORIENTATIONS[flip ? `${rotation} flip` : rotation] ?? null;
}

/** `orientation` if it is EXIF's (1 to 8), else a RangeError. */
function checkOrientation(orientation) {
  if (!Number.isInteger(orientation) || orientation < 1 || orientation > 8) {
    throw new RangeError(`takeback-pdq: ${orientation} is not an EXIF orientation (1 to 8)`);
  }
  return orientation;
}

/** The size of a `width` × `height` picture shown as `orientation` says: 5 to 8 swap the sides. */
function shownSize(width, height, orientation) {
  return orientation >= 5 ? [height, width] : [width, height];
}

/** Meanings of the negative codes `takeback_digest_bytes` returns. */
const DIGEST_ERRORS = {
  [-1]: "null pointer",
  [-2]: "input too large",
  [-4]: "no streamed digest begun",
};

/**
 * Loads the hasher.
 *
 * @param {string | URL | ArrayBuffer | ArrayBufferView} source the .wasm's URL (fetched;
 *   the browser case), or its bytes (the Node case: Node's fetch cannot read files).
 * @returns {Promise<{ hashRgba: (rgba: Uint8Array | Uint8ClampedArray, width: number,
 *   height: number) => { hash: string, quality: number },
 *   digestBytes: (bytes: ArrayBuffer | ArrayBufferView) => { md5: string, sha256: string },
 *   digestStream: () => { update: (bytes: ArrayBuffer | ArrayBufferView) => void,
 *     finish: () => { md5: string, sha256: string } },
 *   hashJpegYuv420: (planes: Uint8Array, width: number, height: number,
 *     orientation?: number) => { hash: string, quality: number },
 *   hashJpegFrame: (frame: VideoFrame, options?: { orientation?: number }) =>
 *     Promise<{ hash: string, quality: number }>,
 *   jpegYuv420ToRgba: (planes: Uint8Array, width: number, height: number,
 *     orientation?: number) => Uint8Array,
 *   abiVersion: number, engine: string, memory: WebAssembly.Memory }>}
 */
export async function loadPdq(source) {
  const { instance } = await instantiate(source);
  const wasm = instance.exports;
  const abiVersion = wasm.takeback_abi_version();
  if (abiVersion !== ABI_VERSION) {
    throw new Error(`takeback-pdq: the .wasm speaks ABI ${abiVersion}, this loader ${ABI_VERSION}`);
  }

  /**
   * The PDQ hash of `width` × `height` RGBA pixels, as from a canvas's
   * `getImageData().data`. Alpha is ignored. Images under 5 pixels on a side give the zero
   * hash with quality 0, as in Meta's reference.
   */
  function hashRgba(rgba, width, height) {
    if (!(rgba instanceof Uint8Array || rgba instanceof Uint8ClampedArray)) {
      throw new TypeError("takeback-pdq: pixels must be a Uint8Array or Uint8ClampedArray");
    }
    if (!isU32(width) || !isU32(height)) {
      throw new RangeError(`takeback-pdq: bad dimensions ${width}x${height}`);
    }
    const len = rgbaLength(width, height);
    if (rgba.length !== len) {
      throw new Error(
        `takeback-pdq: a ${width}x${height} RGBA image needs ${len} bytes, got ${rgba.length}`,
      );
    }
    const ptr = alloc(len);
    try {
      // Views are made after every call that may allocate: growing the memory detaches the
      // old `memory.buffer`, and every view on it.
      new Uint8Array(wasm.memory.buffer, ptr, len).set(rgba);
      return hashAt(ptr, width, height);
    } finally {
      // Also on error, or the module's memory would fill up with lost images.
      wasm.takeback_free(ptr, len);
    }
  }

  /** Hashes the RGBA pixels already at `ptr` in the module's memory. */
  function hashAt(ptr, width, height) {
    const code = wasm.takeback_pdq_hash_rgba(ptr, width, height);
    if (code !== 0) {
      throw new Error(`takeback-pdq: hashing failed with code ${code} (${ERRORS[code] ?? "unknown"})`);
    }
    const digits = new Uint8Array(wasm.memory.buffer, wasm.takeback_pdq_hash_hex() >>> 0, 64);
    return { hash: String.fromCharCode(...digits), quality: wasm.takeback_pdq_quality() };
  }

  /** A buffer of `len` bytes in the module's memory; its address (unsigned). */
  function alloc(len) {
    if (!Number.isInteger(len) || len < 0 || len > MAX_BUFFER) {
      throw new RangeError(`takeback-pdq: cannot hold ${len} bytes in the module's memory`);
    }
    // Wasm returns i32s, which JavaScript sees as signed; `>>> 0` makes the address unsigned,
    // which matters once the memory passes 2 GiB.
    const ptr = wasm.takeback_alloc(len) >>> 0;
    if (ptr === 0) {
      throw new Error(`takeback-pdq: out of memory allocating ${len} bytes`);
    }
    return ptr;
  }

  /**
   * Bytes of a `width` × `height` picture's 4:2:0 planes (Y, then Cb and Cr); a RangeError
   * for dimensions no buffer in the module's memory can hold.
   */
  function yuv420Length(width, height) {
    if (!isU32(width) || !isU32(height)) {
      throw new RangeError(`takeback-pdq: bad dimensions ${width}x${height}`);
    }
    return checkedLength(width * height + 2 * Math.ceil(width / 2) * Math.ceil(height / 2), width, height);
  }

  /** Bytes of `width` × `height` RGBA pixels, refused as `yuv420Length` refuses. */
  function rgbaLength(width, height) {
    if (!isU32(width) || !isU32(height)) {
      throw new RangeError(`takeback-pdq: bad dimensions ${width}x${height}`);
    }
    return checkedLength(width * height * 4, width, height);
  }

  /** `len`, unless it is more than the module's memory holds in one buffer. */
  function checkedLength(len, width, height) {
    // A product past 2^53 is rounded, but never to below 2^31: the comparison holds.
    if (len > MAX_BUFFER) {
      throw new RangeError(`takeback-pdq: a ${width}x${height} picture is too large`);
    }
    return len;
  }

  /**
   * Buffers in the module's memory for a `width` × `height` JPEG: its 4:2:0 planes
   * (`planes`, a view to fill) and the RGBA pixels made of them (at `rgba`), turned as
   * `orientation` says. `free()` them afterwards, also on error.
   */
  function jpegBuffers(width, height, orientation) {
    const planesLen = yuv420Length(width, height);
    const rgbaLen = rgbaLength(width, height);
    const planesPtr = alloc(planesLen);
    let rgba = 0;
    try {
      rgba = alloc(rgbaLen);
      // Made after both allocations, which may have grown (and so detached) the memory;
      // inside the `try`, so that both are freed should it throw.
      const planes = new Uint8Array(wasm.memory.buffer, planesPtr, planesLen);
      return {
        planes,
        rgba,
        /**
         * Converts the planes to RGBA as libjpeg does, turned upright (so as Chromium's
         * canvas shows them).
         */
        convert() {
          const code = wasm.takeback_jpeg_yuv420_to_rgba(planesPtr, width, height, orientation, rgba);
          if (code !== 0) {
            throw new Error(
              `takeback-pdq: converting the JPEG failed with code ${code} (${JPEG_ERRORS[code] ?? "unknown"})`,
            );
          }
        },
        free() {
          wasm.takeback_free(rgba, rgbaLen);
          wasm.takeback_free(planesPtr, planesLen);
        },
      };
    } catch (error) {
      if (rgba !== 0) wasm.takeback_free(rgba, rgbaLen);
      wasm.takeback_free(planesPtr, planesLen);
      throw error;
    }
  }

  /** Checks that `planes` is a byte array of a `width` × `height` picture's 4:2:0 planes. */
  function checkPlanes(planes, width, height) {
    if (!(planes instanceof Uint8Array || planes instanceof Uint8ClampedArray)) {
      throw new TypeError("takeback-pdq: planes must be a Uint8Array or Uint8ClampedArray");
    }
    const len = yuv420Length(width, height);
    if (planes.length !== len) {
      throw new Error(`takeback-pdq: a ${width}x${height} picture's 4:2:0 planes are ${len} bytes, got ${planes.length}`);
    }
  }

  /**
   * The PDQ hash of a JPEG from its decoded 4:2:0 planes: Y (`width` × `height`, as
   * stored), then Cb and Cr (each half as wide and high, rounded up), tightly packed. The
   * pixels hashed are those libjpeg (and so Chromium) makes of them, turned upright as
   * EXIF's `orientation` (1 to 8) says. Synchronous; the planes are copied.
   */
  function hashJpegYuv420(planes, width, height, orientation = 1) {
    const [shownWidth, shownHeight] = shownSize(width, height, orientation);
    return withJpegRgba(planes, width, height, orientation, (rgba) => hashAt(rgba, shownWidth, shownHeight));
  }

  /**
   * The RGBA pixels `hashJpegYuv420` would hash, copied out (for tests): `height` wide and
   * `width` high for orientations 5 to 8.
   */
  function jpegYuv420ToRgba(planes, width, height, orientation = 1) {
    return withJpegRgba(planes, width, height, orientation, (rgba) =>
      new Uint8Array(wasm.memory.buffer, rgba, width * height * 4).slice());
  }

  /** `use` of the RGBA the module makes of a JPEG's `planes`, in its memory; freed after. */
  function withJpegRgba(planes, width, height, orientation, use) {
    checkPlanes(planes, width, height);
    const buffers = jpegBuffers(width, height, checkOrientation(orientation));
    try {
      buffers.planes.set(planes);
      buffers.convert();
      return use(buffers.rgba);
    } finally {
      buffers.free();
    }
  }

  /**
   * The PDQ hash of a JPEG decoded by WebCodecs' `ImageDecoder` to an `I420` VideoFrame
   * (its 4:2:0 planes), copied straight into the module's memory and turned upright.
   * `orientation` is the EXIF orientation the file declares (1 to 8; 1 where it declares
   * none). Make no other call on this module until it settles: one that grows the memory
   * would lose the planes (and this rejects).
   *
   * Rejects, before copying anything, a frame whose colour space is not JFIF's full-range
   * BT.601, which is what the conversion assumes, and one whose `rotation` and `flip` do
   * not describe `orientation`. So the planes are turned once, by the module, and only
   * where the file and the browser agree on how to show them; a browser that turned them
   * itself, or did not read the file's orientation, would disagree. The caller then draws
   * the picture on a canvas instead.
   */
  async function hashJpegFrame(frame, { orientation = 1 } = {}) {
    checkOrientation(orientation);
    if (frame.format !== "I420") {
      throw new Error(`takeback-pdq: a ${frame.format} frame is not a JPEG's 4:2:0 planes`);
    }
    const shown = frameOrientation(frame);
    if (shown !== orientation) {
      throw new Error(
        `takeback-pdq: the frame is to be shown with orientation ${shown}, the file says ${orientation}`,
      );
    }
    if (!isJfifColorSpace(frame.colorSpace)) {
      throw new Error(
        `takeback-pdq: a frame in colour space ${JSON.stringify(frame.colorSpace)} is not ` +
          "a JPEG's full-range BT.601",
      );
    }
    const { width, height } = frame.visibleRect;
    const [chromaWidth, chromaHeight] = [Math.ceil(width / 2), Math.ceil(height / 2)];
    const layout = [
      { offset: 0, stride: width },
      { offset: width * height, stride: chromaWidth },
      { offset: width * height + chromaWidth * chromaHeight, stride: chromaWidth },
    ];
    const buffers = jpegBuffers(width, height, orientation);
    try {
      await frame.copyTo(buffers.planes, { layout });
      // Nothing may grow the memory while the copy is pending (callers make one call at a
      // time); had something done so, the view would be detached and the planes lost.
      if (buffers.planes.byteLength === 0) {
        throw new Error("takeback-pdq: the module's memory grew while the planes were copied");
      }
      buffers.convert();
      return hashAt(buffers.rgba, ...shownSize(width, height, orientation));
    } finally {
      buffers.free();
    }
  }

  /**
   * The MD5 and SHA-256 of a file's bytes, as lowercase hex strings (32 and 64 digits).
   *
   * @param {ArrayBuffer | ArrayBufferView} bytes e.g. `await file.arrayBuffer()`, or a
   *   Uint8Array. Of any other view (a DataView, a Float32Array, …) the bytes it covers.
   * @returns {{ md5: string, sha256: string }}
   */
  function digestBytes(bytes) {
    const code = withCopy(bytes, (ptr, len) => wasm.takeback_digest_bytes(ptr, len));
    if (code !== 0) {
      throw new Error(
        `takeback-pdq: digesting failed with code ${code} (${DIGEST_ERRORS[code] ?? "unknown"})`,
      );
    }
    return lastDigests();
  }

  /** Streams currently open: the module holds one, so a second would corrupt the first. */
  let streaming = false;

  /**
   * MD5 and SHA-256 of bytes fed in pieces, for a file too big to hold at once (a video).
   * One stream at a time per loaded module: finish it (or let it throw) before the next.
   */
  function digestStream() {
    if (streaming) throw new Error("takeback-pdq: a streamed digest is already open");
    streaming = true;
    wasm.takeback_digest_begin();
    let open = true;
    const check = (code) => {
      if (code !== 0) {
        open = streaming = false;
        throw new Error(
          `takeback-pdq: digesting failed with code ${code} (${DIGEST_ERRORS[code] ?? "unknown"})`,
        );
      }
    };
    return Object.freeze({
      /** Feeds the next piece: an ArrayBuffer or a view of one. */
      update(bytes) {
        if (!open) throw new Error("takeback-pdq: this streamed digest is finished");
        check(withCopy(bytes, (ptr, len) => wasm.takeback_digest_update(ptr, len)));
      },
      /** The digests of every piece fed. */
      finish() {
        if (!open) throw new Error("takeback-pdq: this streamed digest is finished");
        check(wasm.takeback_digest_end());
        open = streaming = false;
        return lastDigests();
      },
      /** Drops the stream without a result (the reader cancelled). */
      abandon() {
        if (open) wasm.takeback_digest_end();
        open = streaming = false;
      },
    });
  }

  /** Copies `bytes` into the module's memory for `use(ptr, len)`, then frees the copy. */
  function withCopy(bytes, use) {
    let view;
    if (bytes instanceof ArrayBuffer) {
      view = new Uint8Array(bytes);
    } else if (ArrayBuffer.isView(bytes)) {
      view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } else {
      throw new TypeError("takeback-pdq: bytes must be an ArrayBuffer or an ArrayBufferView");
    }
    const len = view.length;
    // An empty input still gets a (non-null) buffer, so both paths are the same.
    const ptr = alloc(len);
    try {
      // Views on the memory are made after the allocation, which may have grown it.
      new Uint8Array(wasm.memory.buffer, ptr, len).set(view);
      return use(ptr, len);
    } finally {
      // Also on error, or the module's memory would fill up with lost files.
      wasm.takeback_free(ptr, len);
    }
  }

  /** The digests the last digest call stored. */
  function lastDigests() {
    const md5 = new Uint8Array(wasm.memory.buffer, wasm.takeback_md5_hex() >>> 0, 32);
    const sha256 = new Uint8Array(wasm.memory.buffer, wasm.takeback_sha256_hex() >>> 0, 64);
    return { md5: String.fromCharCode(...md5), sha256: String.fromCharCode(...sha256) };
  }

  return Object.freeze({
    hashRgba,
    digestBytes,
    digestStream,
    hashJpegYuv420,
    hashJpegFrame,
    jpegYuv420ToRgba,
    abiVersion,
    engine: ENGINES[wasm.takeback_pdq_engine()] ?? "unknown",
    memory: wasm.memory,
  });
}

function isU32(n) {
  return Number.isInteger(n) && n >= 0 && n <= 0xffffffff;
}

/** Compiles and instantiates the module from a URL or from its bytes. It imports nothing. */
async function instantiate(source) {
  if (source instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    return WebAssembly.instantiate(source, {});
  }
  if (typeof source !== "string" && !(source instanceof URL)) {
    throw new TypeError("takeback-pdq: source must be a URL or the .wasm's bytes");
  }
  const response = await fetch(source);
  if (!response.ok) {
    throw new Error(`takeback-pdq: fetching ${source} failed: HTTP ${response.status}`);
  }
  if (typeof WebAssembly.instantiateStreaming === "function") {
    try {
      // Compiles while downloading. A clone, so that the fallback can still read the body.
      return await WebAssembly.instantiateStreaming(response.clone(), {});
    } catch (error) {
      // A TypeError means the server did not send `Content-Type: application/wasm`; fall
      // back. Anything else (an invalid module) would fail the same way again.
      if (!(error instanceof TypeError)) throw error;
    }
  }
  return WebAssembly.instantiate(await response.arrayBuffer(), {});
}
