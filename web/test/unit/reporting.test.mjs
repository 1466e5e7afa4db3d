// Unit tests of the pages' logic (web/assets/js/reporting.js and messages.js), under Node.
//
//   node --test web/test/unit/

import { test } from "node:test";
import assert from "node:assert/strict";
import { format, setPageSettings, t } from "../../assets/js/messages.js";
import {
  MAX_URL_LENGTH,
  assessPicture,
  assessVideo,
  markDuplicates,
  buildReport,
  describeCase,
  isWebAddress,
  maxPictures,
  parseUrls,
  sendErrorKey,
  statusErrorKey,
} from "../../assets/js/reporting.js";

const PDQ = "f".repeat(64);
const MD5 = "a".repeat(32);
const SHA = "b".repeat(64);

test("URLs: one per line, blank lines and repeats dropped", () => {
  const text = "  https://example.com/a \n\nhttp://example.org/b?x=1#y\r\nhttps://example.com/a\n";
  assert.deepEqual(parseUrls(text, { max: 10 }), {
    urls: ["https://example.com/a", "http://example.org/b?x=1#y"],
    error: null,
  });
  assert.deepEqual(parseUrls("", { max: 10 }), { urls: [], error: null });
});

test("URLs: the first bad line is named", () => {
  for (const bad of ["example.com/a", "ftp://example.com/", "javascript:alert(1)", "https://", "http://exa mple.com", "not a url"]) {
    const { urls, error } = parseUrls(`https://ok.example/\n${bad}`, { max: 10 });
    assert.deepEqual(urls, [], bad);
    assert.deepEqual(error, { key: "urls-bad-line", args: { line: 2 } }, bad);
  }
});

test("URLs: too long, too many, and required", () => {
  const long = `https://example.com/${"a".repeat(MAX_URL_LENGTH)}`;
  assert.equal(parseUrls(long, { max: 10 }).error.key, "urls-too-long");
  const exactly = `https://example.com/${"a".repeat(MAX_URL_LENGTH - 20)}`;
  assert.equal(exactly.length, MAX_URL_LENGTH);
  assert.equal(parseUrls(exactly, { max: 10 }).error, null);
  const three = "https://a.example/\nhttps://b.example/\nhttps://c.example/";
  assert.deepEqual(parseUrls(three, { max: 2 }).error, { key: "urls-too-many", args: { max: 2 } });
  assert.equal(parseUrls(" \n", { max: 2, required: true }).error.key, "urls-none");
});

test("web addresses need http(s) and a host", () => {
  assert.ok(isWebAddress("https://example.com"));
  assert.ok(isWebAddress("http://127.0.0.1:8080/x"));
  assert.ok(!isWebAddress("mailto:a@example.com"));
  assert.ok(!isWebAddress("https://exa mple.com"));
  assert.ok(!isWebAddress("data:text/plain,hi"));
});

test("a picture with detail sends PDQ, MD5 and SHA-256", () => {
  const result = { md5: MD5, sha256: SHA, pdq: { hash: PDQ, quality: 80 } };
  assert.deepEqual(assessPicture(result, 50), {
    state: "ready",
    hashes: [
      { algorithm: "pdq", value: PDQ, quality: 80 },
      { algorithm: "md5", value: MD5 },
      { algorithm: "sha256", value: SHA },
    ],
  });
});

test("a picture under the quality floor sends only its exact fingerprints", () => {
  for (const quality of [0, 49]) {
    const { state, hashes } = assessPicture({ md5: MD5, sha256: SHA, pdq: { hash: PDQ, quality } }, 50);
    assert.equal(state, "exact_only");
    assert.deepEqual(hashes.map((h) => h.algorithm), ["md5", "sha256"]);
  }
  assert.equal(assessPicture({ md5: MD5, sha256: SHA, pdq: { hash: PDQ, quality: 50 } }, 50).state, "ready");
});

test("a file that is not a usable picture sends nothing", () => {
  assert.deepEqual(assessPicture({ md5: MD5, sha256: SHA, problem: "unreadable" }, 50), {
    state: "unreadable",
    hashes: [],
  });
  assert.deepEqual(assessPicture({ problem: "video" }, 50), { state: "video", hashes: [] });
});

test("a report sends each fingerprint once, and both confirmations", () => {
  const hashes = [
    { algorithm: "pdq", value: PDQ, quality: 90 },
    { algorithm: "md5", value: MD5 },
    { algorithm: "md5", value: MD5 },
  ];
  const report = buildReport({ reporter: "young_person", hashes, urls: ["https://a.example/"] });
  assert.deepEqual(report, {
    reporter: "young_person",
    hashes: hashes.slice(0, 2),
    urls: ["https://a.example/"],
    under_18: true,
    consent_to_share: true,
  });
  const adult = buildReport({ reporter: "trusted_adult", urls: ["https://a.example/"] });
  assert.deepEqual(adult.hashes, []);
  // Nothing in a report but these fields: no names, no pictures.
  assert.deepEqual(Object.keys(report).sort(), ["consent_to_share", "hashes", "reporter", "under_18", "urls"]);
});

test("pictures per report follow the hotline's fingerprint limit", () => {
  assert.equal(maxPictures(100), 33);
  assert.equal(maxPictures(3), 1);
  assert.equal(maxPictures(1), 1);
});

test("failed requests map to kind messages", () => {
  assert.equal(sendErrorKey(0), "send-offline");
  assert.equal(sendErrorKey(500), "send-failed");
  assert.equal(statusErrorKey(404), "status-not-found");
  assert.equal(statusErrorKey(401), "status-not-found");
  assert.equal(statusErrorKey(429), "status-throttled");
  assert.equal(statusErrorKey(503), "status-failed");
});

test("a case is described with its states and outcomes", () => {
  const status = {
    case_id: "ABCD-EFGH-JK12",
    state: "open",
    reporter: "young_person",
    created_at: 1_763_856_000,
    hashes: [
      { algorithm: "pdq", value: PDQ, state: "listed", outcomes: { matched: 3, removed: 2, blocked_upload: 1 } },
      { algorithm: "sha256", value: SHA, state: "brand_new_state", outcomes: { matched: 0, removed: 0, blocked_upload: 0 } },
    ],
    urls: [
      { url: "https://a.example/", state: "brand_new_state" },
      { url: "https://b.example/", state: "notice_sent", since: 1_763_942_400 },
      { url: "https://c.example/", state: "not_actionable", reason: "It is a search page." },
    ],
    platform_outcomes: { matched: 3, removed: 2, blocked_upload: 1 },
  };
  const view = describeCase(status);
  assert.equal(view.open, true);
  assert.equal(view.summaryKey, "status-open");
  assert.deepEqual(view.outcomes, { key: "status-totals", args: { matched: 3, removed: 2, blocked: 1 } });
  assert.equal(view.receivedAt.getTime(), 1_763_856_000_000);
  assert.equal(view.hashes[0].kindKey, "fingerprint-pdq");
  assert.equal(view.hashes[0].stateKey, "state-listed");
  assert.equal(view.hashes[0].shortValue, "ffffffff…ffff");
  assert.equal(view.hashes[1].kindKey, "fingerprint-exact");
  // A state from a newer hotline reads as waiting, not as a broken key.
  assert.equal(view.hashes[1].stateKey, "state-pending");
  assert.deepEqual(view.urls, [
    { url: "https://a.example/", stateKey: "url-reported", since: null, reason: null },
    { url: "https://b.example/", stateKey: "url-notice-sent", since: new Date(1_763_942_400_000), reason: null },
    { url: "https://c.example/", stateKey: "url-not-actionable", since: null, reason: "It is a search page." },
  ]);

  const withdrawn = describeCase({ ...status, state: "withdrawn", platform_outcomes: { matched: 0, removed: 0, blocked_upload: 0 } });
  assert.equal(withdrawn.summaryKey, "status-withdrawn");
  assert.equal(withdrawn.outcomes.key, "status-no-outcomes");
});

test("messages put in their values, in the language's plural forms", () => {
  const line = ["Line ", { var: "line" }, " of ", { var: "total" }];
  assert.equal(format(line, { line: 2, total: 3 }), "Line 2 of 3");
  // A value missing shows rather than vanishes; inherited properties are not values.
  assert.equal(format(["Call ", { var: "number" }], {}), "Call {number}");
  assert.equal(format([{ var: "toString" }], {}), "{toString}");
  assert.equal(format("no variables"), "no variables");
  // Numbers are written the language's way.
  assert.equal(format([{ var: "n" }], { n: 12345 }, "de"), "12.345");
  // Polish: one, few, many; an exact number first.
  const copies = [{
    select: "n",
    default: "many",
    variants: [
      ["0", ["no copies"]],
      ["one", [{ var: "n" }, " kopia"]],
      ["few", [{ var: "n" }, " kopie"]],
      ["many", [{ var: "n" }, " kopii"]],
    ],
  }];
  const polish = [0, 1, 2, 5, 21, 22, 101].map((n) => format(copies, { n }, "pl"));
  assert.deepEqual(polish, ["no copies", "1 kopia", "2 kopie", "5 kopii", "21 kopii", "22 kopie", "101 kopii"]);
  // Arabic has six categories; a category without a variant takes the default.
  const arabic = [{ select: "n", default: "other", variants: [["two", ["two"]], ["other", ["other"]]] }];
  assert.equal(format(arabic, { n: 2 }, "ar"), "two");
  assert.equal(format(arabic, { n: 3 }, "ar"), "other");
  setPageSettings({
    lang: "en",
    serviceName: "Takeback",
    messages: { hello: ["Hi from ", { var: "service" }, ", ", { var: "name" }] },
  });
  assert.equal(t("hello", { name: "Sam" }), "Hi from Takeback, Sam");
  const error = console.error;
  console.error = () => {};
  try {
    assert.equal(t("missing"), "missing");
  } finally {
    console.error = error;
  }
});

test("identical files count once, and the next one counts when the first goes", () => {
  const a = { sha256: "a", state: "ready" };
  const aCopy = { sha256: "a", state: "exact_only" };
  const b = { sha256: "b", state: "ready" };
  assert.deepEqual(markDuplicates([a, aCopy, b]), [false, true, false]);
  assert.deepEqual(markDuplicates([aCopy, b]), [false, false]);
  // Files still being read, or unreadable, repeat nothing and are repeated by nothing.
  assert.deepEqual(markDuplicates([{ sha256: null, state: "working" }, { sha256: "a", state: "unreadable" }, a]), [false, false, false]);
});

test("URL length is counted in bytes, as the hotline counts it", () => {
  const base = "https://example.com/";
  const wide = `${base}${"ж".repeat(1100)}`; // 2 bytes each: 2,220 bytes, 1,120 characters
  assert.ok(wide.length < MAX_URL_LENGTH);
  assert.equal(parseUrls(wide, { max: 1 }).error.key, "urls-too-long");
});

test("only failures that may pass ask to try again", () => {
  assert.equal(sendErrorKey(429), "send-throttled");
  for (const status of [400, 413, 415, 422]) assert.equal(sendErrorKey(status), "send-rejected");
  assert.equal(sendErrorKey(503), "send-failed");
  assert.equal(sendErrorKey(408), "send-failed");
  assert.equal(statusErrorKey(0), "status-offline");
});

test("a video sends its frames at or above the floor as one vpdq fingerprint, and its digests", () => {
  const frames = [
    { timestamp: 0, value: PDQ, quality: 90 },
    { timestamp: 1.0000001, value: "1".repeat(64), quality: 49 },
    { timestamp: 2.0004999, value: "e".repeat(64), quality: 50 },
  ];
  const assessed = assessVideo({ md5: MD5, sha256: SHA, vpdq: { frames } }, 50);
  assert.equal(assessed.state, "video_ready");
  assert.equal(assessed.frames, 2);
  assert.deepEqual(assessed.hashes, [
    {
      algorithm: "vpdq",
      frames: [
        { timestamp: 0, value: PDQ, quality: 90 },
        { timestamp: 2, value: "e".repeat(64), quality: 50 },
      ],
    },
    { algorithm: "md5", value: MD5 },
    { algorithm: "sha256", value: SHA },
  ]);
  // All too plain: the exact fingerprints only.
  const dark = assessVideo({ md5: MD5, sha256: SHA, vpdq: { frames: [frames[1]] } }, 50);
  assert.equal(dark.state, "video_exact_only");
  assert.deepEqual(dark.hashes.map((h) => h.algorithm), ["md5", "sha256"]);
  // Too long, too large, unreadable: nothing, and the reason.
  for (const problem of ["video_too_long", "video_too_large", "video_unreadable"]) {
    assert.deepEqual(assessVideo({ problem }, 50), { state: problem, hashes: [], frames: 0 });
  }
});

test("the same video chosen twice is sent once, and counts as a duplicate", () => {
  const video = { algorithm: "vpdq", frames: [{ timestamp: 0, value: PDQ, quality: 90 }] };
  const report = buildReport({ reporter: "young_person", hashes: [video, { ...video }] });
  assert.equal(report.hashes.length, 1);
  const a = { sha256: "a", state: "video_ready" };
  assert.deepEqual(markDuplicates([a, { ...a }, { sha256: "a", state: "video_working" }]), [false, true, false]);
});
