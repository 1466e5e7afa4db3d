// The reporting logic, free of the page so that it can be unit-tested under Node: reading
// URLs, deciding what each picture contributes, building the report, and describing a
// case's status.

/**
 * What a phone can be asked to do with a video. A longer one would take too long to
 * fingerprint: the page says so and offers the other ways (its web address; someone to
 * talk to).
 */
export const VIDEO_LIMITS = Object.freeze({
  /** Longest video whose frames are fingerprinted: 20 minutes, 1,200 frames. */
  maxSeconds: 20 * 60,
  /** Largest file read at all: 4 GiB. */
  maxBytes: 4 * 1024 ** 3,
});

/** The longest URL the hotline accepts. */
export const MAX_URL_LENGTH = 2048;

/**
 * The URLs in `text`, one per line (blank lines ignored, duplicates dropped).
 *
 * @returns {{ urls: string[], error: null | { key: string, args: object } }} the first
 *   problem as a `[js]` message key and its arguments.
 */
export function parseUrls(text, { max, required = false }) {
  const urls = [];
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line) continue;
    // The hotline counts bytes of UTF-8, not characters.
    if (new TextEncoder().encode(line).length > MAX_URL_LENGTH) {
      return { urls: [], error: { key: "urls-too-long", args: { line: index + 1 } } };
    }
    if (!isWebAddress(line)) {
      return { urls: [], error: { key: "urls-bad-line", args: { line: index + 1 } } };
    }
    if (!urls.includes(line)) urls.push(line);
  }
  if (urls.length > max) return { urls: [], error: { key: "urls-too-many", args: { max } } };
  if (required && urls.length === 0) return { urls: [], error: { key: "urls-none", args: {} } };
  return { urls, error: null };
}

/** An absolute http(s) URL with a host, as the hotline requires. */
export function isWebAddress(text) {
  if (/\s/.test(text)) return false;
  let url;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  return (url.protocol === "https:" || url.protocol === "http:") && url.hostname !== "";
}

/**
 * What a fingerprinted picture contributes to the report, given the hotline's quality
 * floor: `state` names its `[js]` message (`file_<state>`), `hashes` what is sent.
 * A picture with too little detail still gives its exact fingerprints (MD5, SHA-256),
 * which can only ever match identical copies.
 */
export function assessPicture(result, minQuality) {
  if (result.problem) return { state: result.problem, hashes: [] };
  const exact = exactHashes(result);
  if (!result.pdq || result.pdq.quality < minQuality) {
    return { state: "exact_only", hashes: exact };
  }
  return {
    state: "ready",
    hashes: [{ algorithm: "pdq", value: result.pdq.hash, quality: result.pdq.quality }, ...exact],
  };
}

/**
 * What a fingerprinted video contributes: its frames of at least the quality floor (the
 * hotline drops the others anyway), as one `vpdq` fingerprint, and its exact fingerprints.
 * A video whose frames are all too plain (dark, say) gives only the exact ones. A video
 * too long or too big for the device gives nothing, and says why.
 */
export function assessVideo(result, minQuality) {
  if (result.problem) return { state: result.problem, hashes: [], frames: 0 };
  const exact = exactHashes(result);
  const frames = (result.vpdq?.frames ?? [])
    .filter((frame) => frame.quality >= minQuality)
    // Milliseconds are plenty, and keep the report small.
    .map(({ timestamp, value, quality }) => ({
      timestamp: Math.round(timestamp * 1000) / 1000,
      value,
      quality,
    }));
  if (frames.length === 0) return { state: "video_exact_only", hashes: exact, frames: 0 };
  return {
    state: "video_ready",
    hashes: [{ algorithm: "vpdq", frames }, ...exact],
    frames: frames.length,
  };
}

function exactHashes(result) {
  return [
    { algorithm: "md5", value: result.md5 },
    { algorithm: "sha256", value: result.sha256 },
  ];
}

/**
 * The body of `POST /api/v1/reports`. Fingerprints are sent once each, whichever pictures
 * they came from. The two confirmations are sent as `true` only: the page does not send
 * a report without them.
 */
export function buildReport({ reporter, hashes = [], urls = [] }) {
  const seen = new Set();
  const unique = [];
  for (const hash of hashes) {
    // A video's fingerprint is its frames; the same video twice has the same frames.
    const key = `${hash.algorithm}:${hash.value ?? JSON.stringify(hash.frames)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(hash);
  }
  return { reporter, hashes: unique, urls: [...urls], under_18: true, consent_to_share: true };
}

/** How many pictures fit in one report: each sends up to three fingerprints. */
export function maxPictures(maxHashes) {
  return Math.max(1, Math.floor(maxHashes / 3));
}

/**
 * The `[js]` message key for a report the hotline did not take (status 0: it could not be
 * reached). Only a failure that may pass says "try again".
 */
export function sendErrorKey(status) {
  if (status === 0) return "send-offline";
  if (status === 429) return "send-throttled";
  // A timeout (408) may pass; other 4xx answers refuse this report as it is.
  if (status >= 400 && status < 500 && status !== 408) return "send-rejected";
  return "send-failed";
}

/** The `[js]` message key for a failed case look-up (status 0: no answer). */
export function statusErrorKey(status) {
  if (status === 0) return "status-offline";
  if (status === 404 || status === 401 || status === 400) return "status-not-found";
  if (status === 429) return "status-throttled";
  return "status-failed";
}

/** The states of a file whose fingerprints are sent, and so can repeat another's. */
const COUNTED_STATES = new Set(["ready", "exact_only", "video_ready", "video_exact_only"]);

/**
 * Which pictures each fingerprint comes from: the first of several identical files (the
 * same SHA-256) counts, the others are marked duplicates. Worked out again whenever the
 * list changes, so that removing the first makes the next one count.
 *
 * @param {{ sha256?: string | null, state: string }[]} pictures in the order chosen.
 * @returns {boolean[]} for each picture, whether it repeats an earlier one.
 */
export function markDuplicates(pictures) {
  const seen = new Set();
  return pictures.map(({ sha256, state }) => {
    if (!sha256 || !COUNTED_STATES.has(state)) return false;
    if (seen.has(sha256)) return true;
    seen.add(sha256);
    return false;
  });
}

/** The `[js]` message naming each kind of fingerprint; exact ones (MD5, SHA-256) else. */
const FINGERPRINT_KINDS = { pdq: "fingerprint-pdq", vpdq: "fingerprint-vpdq" };

/** The `[js]` message for each state of a fingerprint, and of a URL. */
const HASH_STATES = {
  pending: "state-pending",
  listed: "state-listed",
  withdrawn: "state-withdrawn",
  suspended: "state-suspended",
  not_listed: "state-not-listed",
};
// A web address's takedown state (the hotline's `TakedownState`) and its words.
const URL_STATES = {
  reported: "url-reported",
  actionable: "url-actionable",
  not_actionable: "url-not-actionable",
  no_contact: "url-no-contact",
  notice_sent: "url-notice-sent",
  still_up: "url-still-up",
  escalated: "url-escalated",
  removed: "url-removed",
  withdrawn: "url-withdrawn",
};

/**
 * A case from `GET /api/v1/reports/{id}`, ready to show: message keys and arguments. A
 * state this page does not know (from a newer hotline) reads as "waiting".
 */
export function describeCase(status) {
  const open = status.state === "open";
  const totals = status.platform_outcomes ?? { matched: 0, removed: 0, blocked_upload: 0 };
  const anyOutcome = totals.matched + totals.removed + totals.blocked_upload > 0;
  return {
    caseId: status.case_id,
    open,
    receivedAt: new Date(status.created_at * 1000),
    summaryKey: open ? "status-open" : "status-withdrawn",
    outcomes: anyOutcome
      ? {
          key: "status-totals",
          args: {
            matched: totals.matched,
            removed: totals.removed,
            blocked: totals.blocked_upload,
          },
        }
      : { key: "status-no-outcomes", args: {} },
    hashes: status.hashes.map((hash) => ({
      kindKey: FINGERPRINT_KINDS[hash.algorithm] ?? "fingerprint-exact",
      algorithm: hash.algorithm,
      shortValue: `${hash.value.slice(0, 8)}…${hash.value.slice(-4)}`,
      stateKey: HASH_STATES[hash.state] ?? HASH_STATES.pending,
      outcomes: hash.outcomes,
    })),
    urls: status.urls.map((url) => ({
      url: url.url,
      // A state from a newer hotline reads as waiting, not as a broken key.
      stateKey: URL_STATES[url.state] ?? URL_STATES.reported,
      since: url.since === undefined ? null : new Date(url.since * 1000),
      reason: url.reason ?? null,
    })),
  };
}
