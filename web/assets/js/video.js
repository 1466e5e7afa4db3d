// Fingerprinting a video on the device: a hidden <video> element plays the file from the
// device (an object URL: nothing is fetched), one frame a second is drawn on a canvas and
// hashed with PDQ (vPDQ), and the file's bytes are digested in pieces with MD5 and
// SHA-256. Nothing is uploaded, stored or shown: the element is never in the page's layout.
//
// The browser's decoder is not FFmpeg's, so the frames are not bit-exact with
// `takeback hash`; they are near enough to match by the vPDQ rule, as the browser test
// measures.

import { loadBestPdq } from "../pdq/takeback-pdq.js";
import { MAX_CANVAS_PIXELS, PDQ_BUILDS } from "./hashing.js";
import { fitWithin } from "./image-size.js";
import { VIDEO_LIMITS } from "./reporting.js";

/** Seconds between hashed frames, as python-threatexchange and `takeback hash`. */
export const SECONDS_PER_HASH = 1;

/** Pieces the file is digested in: small enough for a cheap phone's memory. */
const DIGEST_PIECE = 4 * 1024 * 1024;

/** How long one seek may take before the video counts as unreadable. */
const SEEK_TIMEOUT_MS = 30_000;

let pdqModule = null;

/**
 * Fingerprints the video `file`. `onProgress(share)` is told how far it is (0 to 1);
 * `signal` (an AbortSignal) stops it, and the promise then rejects with an AbortError.
 *
 * @returns {Promise<{ md5?: string, sha256?: string,
 *   vpdq?: { frames: { timestamp: number, value: string, quality: number }[] },
 *   problem?: "video_too_long" | "video_too_large" | "video_unreadable" }>}
 */
export async function fingerprintVideo(file, { onProgress = () => {}, signal } = {}) {
  if (file.size > VIDEO_LIMITS.maxBytes) return { problem: "video_too_large" };
  pdqModule ??= loadBestPdq(PDQ_BUILDS);
  const pdq = await pdqModule;
  const url = URL.createObjectURL(file);
  const video = document.createElement("video");
  video.muted = true;
  video.playsInline = true;
  video.preload = "auto";
  try {
    if (!(await loaded(video, url, signal))) return { problem: "video_unreadable" };
    const duration = video.duration;
    const { videoWidth, videoHeight } = video;
    if (!Number.isFinite(duration) || duration <= 0 || !videoWidth || !videoHeight) {
      return { problem: "video_unreadable" };
    }
    if (duration > VIDEO_LIMITS.maxSeconds) return { problem: "video_too_long" };

    // The digests are a small share of the work; the frames the rest.
    const digestShare = 0.1;
    const { md5, sha256 } = await digestInPieces(pdq, file, signal, (share) =>
      onProgress(share * digestShare),
    );
    const { width, height } =
      fitWithin(videoWidth, videoHeight, MAX_CANVAS_PIXELS) ?? { width: videoWidth, height: videoHeight };
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext("2d", { willReadFrequently: true });
    if (!context) return { md5, sha256, problem: "video_unreadable" };
    const frames = [];
    const count = Math.max(1, Math.ceil(duration / SECONDS_PER_HASH));
    try {
      for (let index = 0; index < count; index++) {
        const timestamp = index * SECONDS_PER_HASH;
        if (!(await seek(video, timestamp, signal))) return { md5, sha256, problem: "video_unreadable" };
        context.drawImage(video, 0, 0, width, height);
        const { data } = context.getImageData(0, 0, width, height);
        const { hash, quality } = pdq.hashRgba(data, width, height);
        frames.push({ timestamp, value: hash, quality });
        onProgress(digestShare + ((1 - digestShare) * (index + 1)) / count);
      }
    } finally {
      canvas.width = canvas.height = 0;
    }
    return { md5, sha256, vpdq: { frames } };
  } finally {
    video.removeAttribute("src");
    video.load();
    URL.revokeObjectURL(url);
  }
}

/** MD5 and SHA-256 of `file`, read a piece at a time. */
async function digestInPieces(pdq, file, signal, onProgress) {
  const stream = pdq.digestStream();
  try {
    for (let start = 0; start < file.size; start += DIGEST_PIECE) {
      throwIfAborted(signal);
      stream.update(await file.slice(start, start + DIGEST_PIECE).arrayBuffer());
      onProgress(Math.min(1, (start + DIGEST_PIECE) / file.size));
    }
    return stream.finish();
  } catch (error) {
    stream.abandon();
    throw error;
  }
}

/** Loads the video's metadata; false if the browser cannot play it. */
function loaded(video, url, signal) {
  return waitFor(video, signal, ["loadeddata"], ["error"], () => {
    video.src = url;
  });
}

/** Seeks to `time` seconds and waits for the frame there; false if it never comes. */
function seek(video, time, signal) {
  return waitFor(video, signal, ["seeked"], ["error"], () => {
    video.currentTime = time;
  });
}

/**
 * Runs `start` and waits for one of `good` (true) or `bad` (false) events on `video`, or
 * for the timeout (false); rejects with an AbortError if `signal` aborts first.
 */
function waitFor(video, signal, good, bad, start) {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(stopped());
      return;
    }
    const timer = setTimeout(() => finish(false), SEEK_TIMEOUT_MS);
    const handlers = [
      ...good.map((name) => [name, () => finish(true)]),
      ...bad.map((name) => [name, () => finish(false)]),
    ];
    const onAbort = () => {
      cleanup();
      reject(stopped());
    };
    function cleanup() {
      clearTimeout(timer);
      for (const [name, handler] of handlers) video.removeEventListener(name, handler);
      signal?.removeEventListener("abort", onAbort);
    }
    function finish(ok) {
      cleanup();
      resolve(ok);
    }
    for (const [name, handler] of handlers) video.addEventListener(name, handler);
    signal?.addEventListener("abort", onAbort);
    start();
  });
}

function throwIfAborted(signal) {
  if (signal?.aborted) throw stopped();
}

function stopped() {
  return new DOMException("The fingerprinting was stopped", "AbortError");
}
