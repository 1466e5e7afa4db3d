// Hashes raw RGBA files with takeback-pdq.js, for the Rust test crates/pdq-wasm/tests/node.rs,
// which compares the output with the native hasher.
//
//   node hash-raw.mjs <wasm> <width> <height> <file> [<width> <height> <file> ...]
//
// Prints `engine NAME` (the engine the build hashes with), then one `hash,quality` line per
// image, in order.

import { readFile } from "node:fs/promises";
import { loadPdq } from "../takeback-pdq.js";

const [wasmPath, ...rest] = process.argv.slice(2);
if (wasmPath === undefined && process.env.NODE_TEST_CONTEXT) {
  // `node --test web/pdq/test/` runs every file in a `test` directory, this helper too.
  // Report it as skipped rather than fail for want of arguments.
  const { test } = await import("node:test");
  test("hash-raw.mjs is a helper for crates/pdq-wasm/tests/node.rs", { skip: true });
} else if (wasmPath === undefined || rest.length === 0 || rest.length % 3 !== 0) {
  console.error("usage: node hash-raw.mjs <wasm> <width> <height> <file> [...]");
  process.exit(2);
} else {
  const pdq = await loadPdq(await readFile(wasmPath));
  console.log(`engine ${pdq.engine}`);
  for (let i = 0; i < rest.length; i += 3) {
    const [width, height] = [Number(rest[i]), Number(rest[i + 1])];
    const { hash, quality } = pdq.hashRgba(await readFile(rest[i + 2]), width, height);
    console.log(`${hash},${quality}`);
  }
}
