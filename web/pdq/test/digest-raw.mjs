// Digests files with takeback-pdq.js, for the Rust test crates/pdq-wasm/tests/node.rs,
// which compares the output with the native MD5 and SHA-256.
//
//   node digest-raw.mjs <wasm> <file> [<file> ...]
//
// Prints one `md5,sha256` line per file, in order.

import { readFile } from "node:fs/promises";
import { loadPdq } from "../takeback-pdq.js";

const [wasmPath, ...files] = process.argv.slice(2);
if (wasmPath === undefined && process.env.NODE_TEST_CONTEXT) {
  // `node --test web/pdq/test/` runs every file in a `test` directory, this helper too.
  // Report it as skipped rather than fail for want of arguments.
  const { test } = await import("node:test");
  test("digest-raw.mjs is a helper for crates/pdq-wasm/tests/node.rs", { skip: true });
} else if (wasmPath === undefined || files.length === 0) {
  console.error("usage: node digest-raw.mjs <wasm> <file> [<file> ...]");
  process.exit(2);
} else {
  const pdq = await loadPdq(await readFile(wasmPath));
  for (const file of files) {
    const { md5, sha256 } = pdq.digestBytes(await readFile(file));
    console.log(`${md5},${sha256}`);
  }
}
