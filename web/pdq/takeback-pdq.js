// PDQ hashing in the browser (or Node 18+), with the WebAssembly build of the
// `takeback-pdq-wasm` crate. Plain ES module: no dependencies, no build step, no generated
// glue. The C ABI it calls is described in crates/pdq-wasm/src/lib.rs.
//
// This module only computes. It sends nothing over the network: the pixels are hashed
// inside the page, and the only request it may make is fetching the .wasm itself when
// given a URL.
//
//   import { loadPdq } from "./takeback-pdq.js";
//   const pdq = await loadPdq("takeback_pdq_wasm.wasm");
//   const { data, width, height } = canvas.getContext("2d").getImageData(0, 0, w, h);
//   const { hash, quality } = pdq.hashRgba(data, width, height);

/** The ABI version this loader speaks (`takeback_abi_version()`). */
const ABI_VERSION = 1;

/** Meanings of the negative codes `takeback_pdq_hash_rgba` returns. */
const ERRORS = {
  [-1]: "null pixel pointer",
  [-2]: "image dimensions too large",
  [-3]: "pixel buffer has the wrong length",
};

/**
 * Loads the hasher.
 *
 * @param {string | URL | ArrayBuffer | ArrayBufferView} source the .wasm's URL (fetched;
 *   the browser case), or its bytes (the Node case: Node's fetch cannot read files).
 * @returns {Promise<{ hashRgba: (rgba: Uint8Array | Uint8ClampedArray, width: number,
 *   height: number) => { hash: string, quality: number }, abiVersion: number,
 *   memory: WebAssembly.Memory }>}
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
    // Exact for any real buffer: a product past 2^53 cannot equal a typed array's length.
    const len = width * height * 4;
    if (rgba.length !== len) {
      throw new Error(
        `takeback-pdq: a ${width}x${height} RGBA image needs ${len} bytes, got ${rgba.length}`,
      );
    }
    // Wasm returns i32s, which JavaScript sees as signed; `>>> 0` makes the address unsigned,
    // which matters once the memory passes 2 GiB.
    const ptr = wasm.takeback_alloc(len) >>> 0;
    if (ptr === 0) {
      throw new Error(`takeback-pdq: out of memory allocating ${len} bytes`);
    }
    try {
      // Views are made after every call that may allocate: growing the memory detaches the
      // old `memory.buffer`, and every view on it.
      new Uint8Array(wasm.memory.buffer, ptr, len).set(rgba);
      const code = wasm.takeback_pdq_hash_rgba(ptr, width, height);
      if (code !== 0) {
        throw new Error(`takeback-pdq: hashing failed with code ${code} (${ERRORS[code] ?? "unknown"})`);
      }
      const digits = new Uint8Array(wasm.memory.buffer, wasm.takeback_pdq_hash_hex() >>> 0, 64);
      return { hash: String.fromCharCode(...digits), quality: wasm.takeback_pdq_quality() };
    } finally {
      // Also on error, or the module's memory would fill up with lost images.
      wasm.takeback_free(ptr, len);
    }
  }

  return Object.freeze({ hashRgba, abiVersion, memory: wasm.memory });
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
