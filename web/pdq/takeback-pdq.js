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
//   import { loadPdq } from "./takeback-pdq.js";
//   const pdq = await loadPdq("takeback_pdq_wasm.wasm");
//   const { data, width, height } = canvas.getContext("2d").getImageData(0, 0, w, h);
//   const { hash, quality } = pdq.hashRgba(data, width, height);
//   const { md5, sha256 } = pdq.digestBytes(await file.arrayBuffer());
//   // A file too big to hold at once (a video), in pieces:
//   const stream = pdq.digestStream();
//   for (...) stream.update(await file.slice(start, end).arrayBuffer());
//   const { md5, sha256 } = stream.finish();

/** The ABI version this loader speaks (`takeback_abi_version()`). */
const ABI_VERSION = 3;

/** Meanings of the negative codes `takeback_pdq_hash_rgba` returns. */
const ERRORS = {
  [-1]: "null pixel pointer",
  [-2]: "image dimensions too large",
  [-3]: "pixel buffer has the wrong length",
};

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
 *   abiVersion: number, memory: WebAssembly.Memory }>}
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
    // As in hashRgba: the address is unsigned, and 0 means out of memory. An empty input
    // still gets a (non-null) buffer, so both paths are the same.
    const ptr = wasm.takeback_alloc(len) >>> 0;
    if (ptr === 0) {
      throw new Error(`takeback-pdq: out of memory allocating ${len} bytes`);
    }
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

  return Object.freeze({ hashRgba, digestBytes, digestStream, abiVersion, memory: wasm.memory });
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
