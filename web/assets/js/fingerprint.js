// Fingerprints files chosen on the page: in a worker when the browser can, on the page
// otherwise. Either way the file is read only here, on the device.

import { loadBestPdq } from "../pdq/takeback-pdq.js";
import { PDQ_BUILDS, fingerprintBlob } from "./hashing.js";

const WORKER_URL = new URL("./fingerprint-worker.js", import.meta.url);
/** How long the worker may take to start before the page hashes by itself. */
const WORKER_START_MS = 10_000;

/**
 * Starts a fingerprinter. `fingerprint(file)` resolves to what `fingerprintBlob` returns,
 * or rejects if hashing failed unexpectedly.
 */
export function startFingerprinter() {
  // A worker that fails later (out of memory on a huge picture, say) is replaced by the
  // page's own thread, so that the next pictures are not left waiting for it.
  let engine = startWorker(() => {
    engine = startOnPage();
  }).catch(() => startOnPage());
  return {
    async fingerprint(file) {
      return (await engine)(file);
    },
  };
}

/**
 * A worker-backed hasher, once the worker says it is ready. `onBroken` is called if the
 * worker fails after that; the pictures it was working on fail with it.
 */
function startWorker(onBroken) {
  return new Promise((resolve, reject) => {
    let worker;
    try {
      worker = new Worker(WORKER_URL, { type: "module" });
    } catch (error) {
      reject(error);
      return;
    }
    const pending = new Map();
    let nextId = 1;
    let started = false;
    const timer = setTimeout(() => {
      worker.terminate();
      reject(new Error("the fingerprinting worker did not start"));
    }, WORKER_START_MS);
    worker.addEventListener("error", (event) => {
      clearTimeout(timer);
      // Before it was ready, this rejects the start; after, the promise is settled and
      // only the pending pictures fail.
      reject(new Error(event.message || "the fingerprinting worker failed"));
      for (const { fail } of pending.values()) fail(new Error("the worker stopped"));
      pending.clear();
      worker.terminate();
      if (started) onBroken();
    });
    worker.addEventListener("message", ({ data }) => {
      if ("ready" in data) {
        clearTimeout(timer);
        if (!data.ready) {
          worker.terminate();
          reject(new Error(data.error ?? "no OffscreenCanvas in workers"));
          return;
        }
        started = true;
        resolve(
          (file) =>
            new Promise((done, fail) => {
              const id = nextId++;
              pending.set(id, { done, fail });
              worker.postMessage({ id, file });
            }),
        );
        return;
      }
      const request = pending.get(data.id);
      if (!request) return;
      pending.delete(data.id);
      if (data.error) request.fail(new Error(data.error));
      else request.done(data.result);
    });
  });
}

/** The same hasher on the page's own thread. */
async function startOnPage() {
  const pdq = await loadBestPdq(PDQ_BUILDS);
  const makeCanvas = (width, height) => {
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    return canvas;
  };
  // One picture at a time, as in the worker (see `fingerprintBlob`).
  let queue = Promise.resolve();
  return (file) => {
    const turn = queue.then(() => fingerprintBlob(pdq, file, makeCanvas));
    queue = turn.catch(() => {});
    return turn;
  };
}
