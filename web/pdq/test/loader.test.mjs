// Unit tests of takeback-pdq.js against the real .wasm. Run from the repository root:
//
//   cargo build --release --target wasm32-unknown-unknown -p takeback-pdq-wasm
//   node --test web/pdq/test/
//
// TAKEBACK_PDQ_WASM overrides the .wasm's path (relative paths are from the repository root),
// e.g. when CARGO_TARGET_DIR is not ./target.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { loadPdq } from "../takeback-pdq.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const wasmPath = path.resolve(
  root,
  process.env.TAKEBACK_PDQ_WASM ?? "target/wasm32-unknown-unknown/release/takeback_pdq_wasm.wasm",
);

async function load() {
  let bytes;
  try {
    bytes = await readFile(wasmPath);
  } catch (error) {
    // Fail, never skip: a missing .wasm must not look like a passing suite.
    throw new Error(
      `cannot read ${wasmPath} (${error.code}). Build it first with ` +
        "`cargo build --release --target wasm32-unknown-unknown -p takeback-pdq-wasm`, " +
        "or point TAKEBACK_PDQ_WASM at it.",
    );
  }
  return loadPdq(bytes);
}

const ZERO_HASH = "0".repeat(64);

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

test("loads and reports ABI version 1", async () => {
  const pdq = await load();
  assert.equal(pdq.abiVersion, 1);
});

test("hashes an image to 64 hex digits and a quality in 0..100", async () => {
  const pdq = await load();
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

test("refuses buffers of the wrong length or type, and bad dimensions", async () => {
  const pdq = await load();
  assert.throws(() => pdq.hashRgba(new Uint8Array(10 * 10 * 4 - 1), 10, 10), /needs 400 bytes, got 399/);
  assert.throws(() => pdq.hashRgba(new Uint8Array(10 * 10 * 3), 10, 10), /needs 400 bytes/);
  assert.throws(() => pdq.hashRgba([0, 0, 0, 0], 1, 1), TypeError);
  assert.throws(() => pdq.hashRgba(new Uint8Array(4), 1.5, 1), RangeError);
  assert.throws(() => pdq.hashRgba(new Uint8Array(4), -1, -1), RangeError);
  // Still usable afterwards.
  assert.match(pdq.hashRgba(pattern(8, 8), 8, 8).hash, /^[0-9a-f]{64}$/);
});

test("images under 5 pixels on a side give the zero hash with quality 0", async () => {
  const pdq = await load();
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

test("a flat image hashes with quality 0", async () => {
  const pdq = await load();
  assert.equal(pdq.hashRgba(new Uint8Array(64 * 64 * 4).fill(128), 64, 64).quality, 0);
});

test("repeated calls do not leak memory", async () => {
  const pdq = await load();
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
