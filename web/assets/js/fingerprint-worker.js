// The fingerprinting worker: decodes and hashes off the page's main thread, so the page
// (and its quick exit) stays responsive while a big photo is read.

import { loadBestPdq } from "../pdq/takeback-pdq.js";
import { PDQ_BUILDS, fingerprintBlob } from "./hashing.js";

const pdq = loadBestPdq(PDQ_BUILDS);

pdq.then(
  () => {
    // Workers without OffscreenCanvas cannot decode; the page then hashes by itself.
    self.postMessage({ ready: typeof OffscreenCanvas === "function" });
  },
  (error) => self.postMessage({ ready: false, error: String(error) }),
);

/** The pictures' turns: one at a time (see `fingerprintBlob`). */
let queue = Promise.resolve();

self.addEventListener("message", ({ data: { id, file } }) => {
  queue = queue.then(async () => {
    try {
      const result = await fingerprintBlob(await pdq, file, (w, h) => new OffscreenCanvas(w, h));
      self.postMessage({ id, result });
    } catch (error) {
      self.postMessage({ id, error: String(error) });
    }
  });
});
