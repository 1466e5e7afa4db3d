// End-to-end tests of the reporter pages: the real `takeback serve` (SQLite), Debian's
// Chromium, and what a young person, a trusted adult and a keyboard user would do.
//
//   cargo build -p takeback && node --test web/test/e2e/
//
// Screenshots at 375×812 and 1280×800 land in target/screenshots/.

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  NEUTRAL_URL,
  root,
  generatePictures,
  generateVideos,
  launchBrowser,
  newPage,
  openContext,
  screenshots,
  seriousViolations,
  startHotline,
  startMatcher,
} from "./support.mjs";
import { jpegIsPlanar420, jpegOrientation } from "../../assets/js/image-size.js";

let hotline;
let browser;
let pictures;
let videos;

before(async () => {
  hotline = await startHotline();
  browser = await launchBrowser();
  pictures = await generatePictures(browser, path.join(tmpdir(), `takeback-pictures-${process.pid}`));
  videos = await generateVideos(path.join(tmpdir(), `takeback-videos-${process.pid}`));
});

after(async () => {
  await browser?.close();
  await hotline?.stop();
});

/** The number of differing bits between two hex hashes. */
function distance(a, b) {
  let bits = 0;
  for (let i = 0; i < a.length; i += 8) {
    let x = (parseInt(a.slice(i, i + 8), 16) ^ parseInt(b.slice(i, i + 8), 16)) >>> 0;
    while (x) {
      bits += x & 1;
      x >>>= 1;
    }
  }
  return bits;
}

/**
 * `jpeg` with an APP1 Exif segment declaring EXIF `orientation` inserted after its
 * start-of-image marker: the same pixels, to be shown turned. Its TIFF header is
 * big-endian ("MM", as iPhones write it) or little-endian ("II", as most Android phones do).
 */
function withExifOrientation(jpeg, orientation, { littleEndian = false } = {}) {
  // "Exif\0\0", then a TIFF header whose one directory holds the orientation: a SHORT,
  // tag 0x0112, one value.
  const u16 = (v) => (littleEndian ? [v & 0xff, v >> 8] : [v >> 8, v & 0xff]);
  const u32 = (v) => (littleEndian ? [...u16(v & 0xffff), ...u16(v >>> 16)] : [...u16(v >>> 16), ...u16(v & 0xffff)]);
  const order = littleEndian ? [0x49, 0x49] : [0x4d, 0x4d];
  const exif = [0x45, 0x78, 0x69, 0x66, 0, 0, ...order, ...u16(42), ...u32(8), ...u16(1), ...u16(0x0112), ...u16(3), ...u32(1), ...u16(orientation), 0, 0, ...u32(0)];
  return Buffer.concat([jpeg.subarray(0, 2), Buffer.from([0xff, 0xe1, 0, exif.length + 2, ...exif]), jpeg.subarray(2)]);
}

/** A case as the hotline stored it, read with its secret. */
async function caseStatus({ case_id: caseId, case_secret: secret }) {
  const response = await fetch(`${hotline.url}/api/v1/reports/${caseId}`, {
    headers: { Authorization: `Bearer ${secret}` },
  });
  assert.equal(response.status, 200);
  return response.json();
}

/** Sends a report straight to the API (for the tests that start from an existing case). */
async function apiReport(body) {
  const response = await fetch(`${hotline.url}/api/v1/reports`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ under_18: true, consent_to_share: true, ...body }),
  });
  assert.equal(response.status, 201);
  return response.json();
}

/** Walks the young person's flow up to the pictures step. */
async function startReport(page) {
  await page.goto(`${hotline.url}/report`);
  await page.getByLabel("The person in the picture was under 18").check();
  await page.getByLabel(/I agree that .* can share the fingerprints/).check();
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("heading", { name: "Choose the pictures" }).waitFor();
}

/** Every request went to the hotline, and no body carried a picture or anything big. */
async function assertOnlySmallRequestsToTheHotline(requests, files) {
  assert.ok(requests.length > 0);
  for (const request of requests) {
    assert.equal(new URL(request.url).origin, hotline.origin, `a request left the hotline: ${request.url}`);
  }
  const contents = await Promise.all(files.map((file) => readFile(file)));
  for (const { method, url, body } of requests) {
    if (!body) continue;
    assert.ok(body.length < 16 * 1024, `${method} ${url} sent ${body.length} bytes`);
    const text = body.toString("latin1");
    assert.doesNotThrow(() => JSON.parse(body.toString("utf8")), `${method} ${url} sent something other than JSON`);
    for (const content of contents) {
      // Any 24-byte run of a picture, raw, hex or base64, would give it away.
      for (let at = 0; at + 24 <= content.length; at += Math.max(24, Math.floor(content.length / 64))) {
        const run = content.subarray(at, at + 24);
        assert.ok(!text.includes(run.toString("latin1")), `${url}: raw picture bytes`);
        assert.ok(!text.includes(run.toString("hex")), `${url}: picture bytes in hex`);
        assert.ok(!text.includes(run.toString("base64").slice(0, 24)), `${url}: picture bytes in base64`);
      }
    }
  }
}

describe("a young person's report", () => {
  test("fingerprints are made in the page, equal takeback hash's, and nothing else leaves", async (t) => {
    const { context, requests } = await openContext(browser, { viewport: { width: 375, height: 812 } });
    const { page, errors } = await newPage(context);
    await startReport(page);
    const chosen = ["sunset-shapes.png", "odd-size.png", "holiday.jpg", "flat.png", "broken.jpg"];
    await page.getByLabel("Choose pictures").setInputFiles(chosen.map((name) => pictures[name]));
    const list = page.locator("#picture-list");
    await list.locator('.file:not([data-state="working"])').nth(chosen.length - 1).waitFor();
    const state = (name) => list.locator(".file", { hasText: name }).getAttribute("data-state");
    assert.equal(await state("sunset-shapes.png"), "ready");
    assert.equal(await state("odd-size.png"), "ready");
    assert.equal(await state("holiday.jpg"), "ready");
    assert.equal(await state("flat.png"), "exact_only");
    assert.equal(await state("broken.jpg"), "unreadable");
    // The kind explanation, and no picture shown back: names only.
    await list.getByText("We can't make a fingerprint of this file, so nothing from it will be sent.").waitFor();
    await list.getByText("If you chose other pictures, they're fine.").first().waitFor();
    assert.equal(await page.locator("main img, main canvas, main video").count(), 0);
    await screenshots(page, "report-pictures");

    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("textbox", { name: "Web addresses" }).fill("https://example.com/where-i-saw-it\n");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("heading", { name: "Check and send" }).waitFor();
    const checked = await page.locator("#check-pictures").innerText();
    assert.match(checked, /sunset-shapes\.png/);
    assert.doesNotMatch(checked, /broken\.jpg/);
    await screenshots(page, "report-check");
    await page.getByRole("button", { name: "Send the fingerprints" }).click();
    await page.getByRole("heading", { name: "Your report has been sent" }).waitFor();
    const receipt = {
      case_id: await page.locator("#case-id").innerText(),
      case_secret: await page.locator("#case-secret").innerText(),
    };
    assert.match(receipt.case_id, /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    await screenshots(page, "report-done");

    // What the hotline stored is what `takeback hash` computes for the same files.
    const stored = (await caseStatus(receipt)).hashes.map((h) => `${h.algorithm}:${h.value}`);
    const native = (await hotline.run(["hash", ...chosen.slice(0, 4).map((name) => pictures[name])]))
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    const byName = Object.fromEntries(native.map((h) => [path.basename(h.path), h]));
    for (const name of ["sunset-shapes.png", "odd-size.png", "holiday.jpg", "flat.png"]) {
      assert.ok(stored.includes(`md5:${byName[name].md5}`), `${name} md5`);
      assert.ok(stored.includes(`sha256:${byName[name].sha256}`), `${name} sha256`);
    }
    for (const name of ["sunset-shapes.png", "odd-size.png"]) {
      assert.ok(stored.includes(`pdq:${byName[name].pdq}`), `${name}: PDQ bit-exact for PNG`);
    }
    // JPEG: Chromium's decoder and Takeback's differ in rounding, not in the picture.
    const jpeg = stored.filter((h) => h.startsWith("pdq:")).map((h) => h.slice(4));
    const nearest = Math.min(...jpeg.map((h) => distance(h, byName["holiday.jpg"].pdq)));
    t.diagnostic(`holiday.jpg: the page's PDQ is ${nearest} bits from takeback hash's`);
    assert.ok(nearest <= 10, `holiday.jpg: PDQ ${nearest} bits from takeback hash's`);
    // The flat picture sent only its exact fingerprints; three pictures sent PDQ.
    assert.equal(jpeg.length, 3);
    assert.equal(stored.length, 3 * 3 + 2);

    await assertOnlySmallRequestsToTheHotline(requests, chosen.map((name) => pictures[name]));
    // The record includes what the fingerprinting worker fetched, so it covers the worker.
    const paths = requests.map((r) => new URL(r.url).pathname);
    assert.ok(paths.includes("/assets/js/fingerprint-worker.js"), paths.join(" "));
    // Chromium runs WebAssembly SIMD, so the page loads the SIMD build.
    assert.ok(paths.includes("/assets/pdq/takeback_pdq_simd.wasm"), paths.join(" "));
    const posts = requests.filter((r) => r.method !== "GET");
    assert.deepEqual(posts.map((r) => `${r.method} ${new URL(r.url).pathname}`), ["POST /api/v1/reports"]);
    const sent = JSON.parse(posts[0].body.toString());
    assert.deepEqual(Object.keys(sent).sort(), ["consent_to_share", "hashes", "reporter", "under_18", "urls"]);
    assert.equal(sent.reporter, "young_person");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("the confirmations are required, with a message at each box", async () => {
    const { context } = await openContext(browser);
    const { page, errors } = await newPage(context);
    await page.goto(`${hotline.url}/report`);
    await page.getByRole("button", { name: "Continue" }).click();
    await page.locator("#under-18-error").waitFor();
    assert.ok(await page.locator("#consent-error").isVisible());
    assert.equal(await page.evaluate(() => document.activeElement.id), "under-18");
    assert.ok(await page.locator("#step-pictures").isHidden());
    await page.getByLabel("The person in the picture was under 18").check();
    await page.getByRole("button", { name: "Continue" }).click();
    assert.ok(await page.locator("#under-18-error").isHidden());
    assert.equal(await page.evaluate(() => document.activeElement.id), "consent");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a JPEG's planes make the very pixels a canvas shows, at every size", async (t) => {
    const { context } = await openContext(browser);
    const { page, errors } = await newPage(context);
    await page.goto(`${hotline.url}/report`);
    const results = await page.evaluate(async () => {
      const { loadPdq } = await import("/assets/pdq/takeback-pdq.js");
      const builds = await Promise.all(
        ["takeback_pdq_wasm.wasm", "takeback_pdq_simd.wasm"].map((file) => loadPdq(`/assets/pdq/${file}`)),
      );
      const out = [];
      // Among them chroma planes one or two samples wide or high (3×3, 4×7, 2×9, 6×1), where
      // libjpeg's upsampling has its edge cases.
      const sizes = [[1, 1], [3, 3], [4, 7], [2, 9], [6, 1], [5, 5], [7, 3], [64, 64], [333, 517], [800, 600], [1001, 999]];
      for (const [width, height] of sizes) {
        // A benign picture with detail in colour, so that the chroma matters.
        const canvas = new OffscreenCanvas(width, height);
        const g = canvas.getContext("2d");
        for (let i = 0; i < 60; i++) {
          g.fillStyle = `hsl(${(i * 47) % 360} 70% ${30 + ((i * 13) % 50)}%)`;
          g.fillRect((i * 37) % width, (i * 53) % height, 1 + ((i * 29) % width), 1 + ((i * 31) % height));
        }
        const bytes = new Uint8Array(await (await canvas.convertToBlob({ type: "image/jpeg", quality: 0.9 })).arrayBuffer());
        const bitmap = await createImageBitmap(new Blob([bytes]), { colorSpaceConversion: "none", premultiplyAlpha: "none" });
        const shown = new OffscreenCanvas(width, height).getContext("2d", { willReadFrequently: true });
        shown.drawImage(bitmap, 0, 0);
        const expected = shown.getImageData(0, 0, width, height).data;
        const decoder = new ImageDecoder({ data: bytes, type: "image/jpeg", colorSpaceConversion: "none" });
        const { image } = await decoder.decode();
        decoder.close();
        const planes = new Uint8Array(width * height + 2 * Math.ceil(width / 2) * Math.ceil(height / 2));
        const cw = Math.ceil(width / 2);
        await image.copyTo(planes, {
          layout: [
            { offset: 0, stride: width },
            { offset: width * height, stride: cw },
            { offset: width * height + cw * Math.ceil(height / 2), stride: cw },
          ],
        });
        const differing = builds.map((pdq) => {
          const rgba = pdq.jpegYuv420ToRgba(planes, width, height);
          return rgba.reduce((n, v, i) => n + (v !== expected[i] ? 1 : 0), 0);
        });
        const viaFrame = await builds[1].hashJpegFrame(image);
        out.push({
          size: `${width}x${height}`,
          format: image.format,
          colorSpace: image.colorSpace.toJSON(),
          differing,
          sameHash: JSON.stringify(viaFrame) === JSON.stringify(builds[0].hashRgba(expected, width, height)),
        });
        image.close();
        bitmap.close();
      }
      return out;
    });
    for (const result of results) {
      t.diagnostic(JSON.stringify(result));
      // Chromium hands a 4:2:0 JPEG over as I420; the page's fast way depends on it.
      assert.equal(result.format, "I420", result.size);
      assert.deepEqual(result.differing, [0, 0], `${result.size}: bytes differing from the canvas's`);
      assert.ok(result.sameHash, `${result.size}: hashed from the frame as from the canvas`);
    }
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a baseline 4:2:0 JPEG is hashed from its planes, a 4:4:4 one from a bitmap, as takeback hash does", async (t) => {
    const { context } = await openContext(browser);
    const { page, errors } = await newPage(context);
    await page.goto(`${hotline.url}/report`);
    // Chromium's encoder made holiday.jpg baseline 4:2:0; samples/shapes.jpg is 4:4:4.
    const files = { "holiday.jpg": pictures["holiday.jpg"], "shapes.jpg": path.join(root, "samples/shapes.jpg") };
    const expectedWay = { "holiday.jpg": "planes", "shapes.jpg": "bitmap" };
    for (const [name, file] of Object.entries(files)) {
      const bytes = await readFile(file);
      assert.equal(jpegIsPlanar420(bytes), expectedWay[name] === "planes", `${name}: its header`);
      const result = await page.evaluate(async (bytes) => {
        // The pages' own code: what the fingerprinting worker runs for each picture.
        const { PDQ_BUILDS, fingerprintBlob } = await import("/assets/js/hashing.js");
        const { loadBestPdq } = await import("/assets/pdq/takeback-pdq.js");
        const pdq = await loadBestPdq(PDQ_BUILDS);
        const blob = new Blob([new Uint8Array(bytes)], { type: "image/jpeg" });
        const fingerprint = await fingerprintBlob(pdq, blob, (w, h) => new OffscreenCanvas(w, h));
        // The hash of the pixels a canvas shows, for the planes way to equal.
        const bitmap = await createImageBitmap(blob, { colorSpaceConversion: "none", premultiplyAlpha: "none" });
        const { width, height } = bitmap;
        const shown = new OffscreenCanvas(width, height).getContext("2d", { willReadFrequently: true });
        shown.drawImage(bitmap, 0, 0);
        bitmap.close();
        return { ...fingerprint, canvasPdq: pdq.hashRgba(shown.getImageData(0, 0, width, height).data, width, height) };
      }, Array.from(bytes));
      const [native] = (await hotline.run(["hash", file])).trim().split("\n").map((l) => JSON.parse(l));
      t.diagnostic(`${name}: decoded by ${result.decodedBy}, ${distance(result.pdq.hash, native.pdq)} bits from takeback hash's PDQ`);
      assert.equal(result.decodedBy, expectedWay[name], name);
      assert.deepEqual(result.pdq, result.canvasPdq, `${name}: the hash of the pixels a canvas shows`);
      assert.equal(result.scaled, false);
      assert.deepEqual([result.pdq.hash, result.md5, result.sha256], [native.pdq, native.md5, native.sha256], name);
    }
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a 4:2:0 JPEG turned by its EXIF orientation is hashed from its planes, as a bitmap shows it", async (t) => {
    const { context } = await openContext(browser);
    const { page, errors } = await newPage(context);
    await page.goto(`${hotline.url}/report`);
    const holiday = await readFile(pictures["holiday.jpg"]);
    const results = [];
    for (const [orientation, littleEndian] of [1, 2, 3, 4, 5, 6, 7, 8].flatMap((o) => [[o, false], [o, true]])) {
      const bytes = withExifOrientation(holiday, orientation, { littleEndian });
      const label = `orientation ${orientation}, ${littleEndian ? "II" : "MM"}`;
      assert.equal(jpegOrientation(bytes), orientation, label);
      const result = await page.evaluate(async (bytes) => {
        const { PDQ_BUILDS, fingerprintBlob } = await import("/assets/js/hashing.js");
        const { loadBestPdq } = await import("/assets/pdq/takeback-pdq.js");
        const pdq = await loadBestPdq(PDQ_BUILDS);
        const blob = new Blob([new Uint8Array(bytes)], { type: "image/jpeg" });
        const makeCanvas = (w, h) => new OffscreenCanvas(w, h);
        const planes = await fingerprintBlob(pdq, blob, makeCanvas);
        // The same file the bitmap way, the browser turning it upright: as in a browser
        // without ImageDecoder.
        const saved = globalThis.ImageDecoder;
        globalThis.ImageDecoder = undefined;
        try {
          return { planes, bitmap: await fingerprintBlob(pdq, blob, makeCanvas) };
        } finally {
          globalThis.ImageDecoder = saved;
        }
      }, Array.from(bytes));
      t.diagnostic(`${label}: ${result.planes.decodedBy} ${result.planes.pdq.hash}, ${result.bitmap.decodedBy} ${result.bitmap.pdq.hash}`);
      assert.equal(result.planes.decodedBy, "planes", label);
      assert.equal(result.bitmap.decodedBy, "bitmap", label);
      assert.deepEqual(result.planes, { ...result.bitmap, decodedBy: "planes" }, label);
      results.push(result.planes.pdq.hash);
    }
    // Each orientation is a different picture to PDQ (the turns were made, once each), the
    // same whichever byte order its Exif is written in.
    assert.equal(new Set(results).size, 8);
    for (let i = 0; i < results.length; i += 2) {
      assert.equal(results[i], results[i + 1], `orientation ${i / 2 + 1}: MM and II`);
    }
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a photo over the canvas budget is fingerprinted at a smaller size, still matching", async (t) => {
    const { context, requests } = await openContext(browser);
    const { page, errors } = await newPage(context);
    await startReport(page);
    await page.getByLabel("Choose pictures").setInputFiles([pictures["big-photo.jpg"]]);
    await page.locator('#picture-list .file[data-state="ready"]').waitFor();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("button", { name: "Send the fingerprints" }).click();
    await page.getByRole("heading", { name: "Your report has been sent" }).waitFor();
    const sent = JSON.parse(requests.find((r) => r.method === "POST").body.toString()).hashes;
    const [native] = (await hotline.run(["hash", pictures["big-photo.jpg"]])).trim().split("\n").map((l) => JSON.parse(l));
    const pdq = sent.find((h) => h.algorithm === "pdq").value;
    t.diagnostic(`big-photo.jpg: scaled in the page, ${distance(pdq, native.pdq)} bits from takeback hash's`);
    // Well within the distance platforms match at (31).
    assert.ok(distance(pdq, native.pdq) <= 16, `${distance(pdq, native.pdq)} bits`);
    assert.ok(sent.some((h) => h.algorithm === "sha256" && h.value === native.sha256));
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("an identical copy counts once, and counts when the first is removed", async () => {
    const { context } = await openContext(browser);
    const { page, errors } = await newPage(context);
    await startReport(page);
    const original = pictures["sunset-shapes.png"];
    const copy = path.join(path.dirname(original), "copy-of-sunset.png");
    await writeFile(copy, await readFile(original));
    await page.getByLabel("Choose pictures").setInputFiles([original, copy]);
    const list = page.locator("#picture-list");
    await list.locator('.file[data-state="duplicate"]').waitFor();
    assert.equal(await list.locator(".file").nth(1).getAttribute("data-state"), "duplicate");
    await page.getByRole("button", { name: "Remove sunset-shapes.png" }).click();
    await list.locator('.file[data-state="ready"]').waitFor();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("heading", { name: /Where did you see it/ }).waitFor();
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("without the picture, a report of where it was seen", async () => {
    const { context, requests } = await openContext(browser);
    const { page, errors } = await newPage(context);
    await startReport(page);
    await page.getByRole("button", { name: /I don't have the picture/ }).click();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByText("Add at least one web address.").waitFor();
    await page.getByRole("textbox", { name: "Web addresses" }).fill("not a web address");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByText("Line 1 doesn't look like a web address").waitFor();
    await page.getByRole("textbox", { name: "Web addresses" }).fill("https://example.com/post/1");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("button", { name: "Send the fingerprints" }).click();
    await page.getByRole("heading", { name: "Your report has been sent" }).waitFor();
    const sent = JSON.parse(requests.find((r) => r.method === "POST").body.toString());
    assert.deepEqual(sent.hashes, []);
    assert.deepEqual(sent.urls, ["https://example.com/post/1"]);
    assert.deepEqual(errors, []);
    await context.close();
  });
});

/**
 * The vPDQ rule (python-threatexchange's): the share of `query`'s distinct frames of
 * quality 50 or more within distance 31 of one of `listed`'s.
 */
function vpdqShare(query, listed) {
  const usable = (frames) => [...new Set(frames.filter((f) => f.quality >= 50).map((f) => f.value))];
  const [mine, theirs] = [usable(query), usable(listed)];
  if (mine.length === 0) return 0;
  return mine.filter((a) => theirs.some((b) => distance(a, b) <= 31)).length / mine.length;
}

describe("a young person's video", () => {
  let matcher;
  before(async () => {
    matcher = await startMatcher(hotline);
  });
  after(async () => {
    await matcher?.stop();
  });

  for (const [name, contentType] of [["pattern.webm", "video/webm"], ["pattern.mp4", "video/mp4"]]) {
    test(`${name} is fingerprinted in the page, listed, matches takeback hash's frames, and a platform's matcher finds the file`, async (t) => {
      const { context, requests } = await openContext(browser);
      const { page, errors } = await newPage(context);
      await startReport(page);
      await page.getByLabel("Choose pictures").setInputFiles([videos[name]]);
      const item = page.locator("#picture-list .file");
      await item.and(page.locator('[data-state="video_ready"]')).waitFor({ timeout: 120_000 });
      assert.equal(await page.locator("main video, main canvas").count(), 0);
      await page.getByRole("button", { name: "Continue" }).click();
      await page.getByRole("button", { name: "Continue" }).click();
      await page.getByText("vpdq: 6 video fingerprints").waitFor({ state: "attached" });
      await page.getByRole("button", { name: "Send the fingerprints" }).click();
      await page.getByRole("heading", { name: "Your report has been sent" }).waitFor();

      const sent = JSON.parse(requests.find((r) => r.method === "POST").body.toString()).hashes;
      const video = sent.find((h) => h.algorithm === "vpdq");
      assert.deepEqual(video.frames.map((f) => f.timestamp), [0, 1, 2, 3, 4, 5]);
      const native = JSON.parse((await hotline.run(["hash", videos[name]])).trim());
      assert.ok(sent.some((h) => h.algorithm === "md5" && h.value === native.md5));
      assert.ok(sent.some((h) => h.algorithm === "sha256" && h.value === native.sha256));
      const cli = native.vpdq.map((f) => ({ value: f.hash, quality: f.quality }));
      const apart = video.frames.map((f, i) => distance(f.value, cli[i].value));
      t.diagnostic(`${name}: the page's frames are ${apart.join(", ")} bits from takeback hash's`);
      const [pageShare, cliShare] = [vpdqShare(video.frames, cli), vpdqShare(cli, video.frames)];
      t.diagnostic(`${name}: ${pageShare * 100}% of the page's frames match, ${cliShare * 100}% the other way`);
      // The vPDQ rule's bar (the matcher's default query threshold), not every frame: under
      // load a seek of the page's <video> has landed on a neighbouring frame (98 bits off).
      assert.ok(pageShare >= 0.8, "the page's frames match takeback hash's by the vPDQ rule");
      assert.ok(cliShare >= 0.8, "and the other way");

      await assertOnlySmallRequestsToTheHotline(requests, [videos[name]]);
      assert.deepEqual(errors, []);
      await context.close();

      // A platform's matcher, following the hotline's list, finds the original file by
      // its digests and, hashing it with FFmpeg, by the page's frames.
      const bytes = await readFile(videos[name]);
      let answer;
      for (let tries = 0; tries < 100; tries++) {
        answer = await matcher.match(bytes, contentType);
        // Until this report's entries are synced: its exact digests (the same test
        // pattern listed by the test before can match by frames sooner).
        const has = (algorithm) => answer.body.matches?.some((m) => m.algorithm === algorithm);
        if (answer.status === 200 && has("md5") && has("vpdq")) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      // Exact copies first; then the videos, this one and (the same test pattern in the
      // other container, from the test before) perhaps the other.
      const found = answer.body.matches;
      assert.deepEqual(found.slice(0, 2).map((m) => m.algorithm), ["md5", "sha256"], JSON.stringify(answer.body));
      const byFrames = found.slice(2);
      assert.ok(byFrames.length >= 1 && byFrames.every((m) => m.algorithm === "vpdq" && m.video.match === "video"));
      for (const m of byFrames) {
        t.diagnostic(`${name}: the matcher's frames match ${m.video.query_share * 100}% ` +
          `of listed video ${m.id}'s, its ${m.video.listed_share * 100}% of the matcher's`);
        assert.ok(m.video.query_share >= 0.8, JSON.stringify(m));
      }
    });
  }

  test("a video can be stopped half-way, and then nothing of it is sent", async () => {
    const { context, requests } = await openContext(browser);
    const { page, errors } = await newPage(context);
    await startReport(page);
    await page.getByLabel("Choose pictures").setInputFiles([videos["long.webm"], pictures["sunset-shapes.png"]]);
    const progress = page.getByRole("progressbar", { name: /long\.webm/ });
    await progress.waitFor();
    await page.getByRole("button", { name: "Stop and remove long.webm" }).click();
    await page.locator("#picture-list .file").filter({ hasText: "long.webm" }).waitFor({ state: "detached" });
    await page.locator('#picture-list .file[data-state="ready"]').waitFor();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("button", { name: "Send the fingerprints" }).click();
    await page.getByRole("heading", { name: "Your report has been sent" }).waitFor();
    const sent = JSON.parse(requests.find((r) => r.method === "POST").body.toString()).hashes;
    assert.deepEqual(sent.map((h) => h.algorithm), ["pdq", "md5", "sha256"]);
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe("by keyboard alone", () => {
  /** Presses Tab until `selector` has focus: it must be reachable, in order, by Tab. */
  async function tabTo(page, selector) {
    for (let presses = 0; presses < 40; presses++) {
      await page.keyboard.press("Tab");
      if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
    }
    assert.fail(`Tab never reached ${selector}`);
  }

  const focused = (page) => page.evaluate(() => document.activeElement?.id);

  test("a young person's whole report", async () => {
    const { context } = await openContext(browser);
    const { page, errors } = await newPage(context);
    // Listening before anything happens, so the chooser is caught however soon it opens.
    page.on("filechooser", (chooser) => chooser.setFiles([pictures["odd-size.png"]]));
    await page.goto(`${hotline.url}/report`);
    await page.locator("#confirm-form button:not([disabled])").waitFor();
    await tabTo(page, "#under-18");
    await page.keyboard.press("Space");
    await tabTo(page, "#consent");
    await page.keyboard.press("Space");
    await tabTo(page, "#confirm-form button");
    await page.keyboard.press("Enter");
    // Each step puts focus on its heading, so a screen reader hears where it is.
    assert.equal(await focused(page), "pictures-title");
    await tabTo(page, "#pictures");
    await page.keyboard.press("Space");
    await page.locator('#picture-list .file[data-state="ready"]').waitFor();
    await tabTo(page, "#pictures-continue");
    await page.keyboard.press("Enter");
    assert.equal(await focused(page), "urls-title");
    await tabTo(page, "#urls");
    await page.keyboard.type("https://example.com/seen-here");
    await tabTo(page, "#urls-continue");
    await page.keyboard.press("Enter");
    assert.equal(await focused(page), "check-title");
    await tabTo(page, "#send");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Your report has been sent" }).waitFor();
    assert.equal(await focused(page), "done-title");
    await tabTo(page, "#copy-receipt");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("checking a case", async () => {
    const receipt = await apiReport({ reporter: "young_person", urls: ["https://example.com/k"] });
    const { context } = await openContext(browser);
    const { page } = await newPage(context);
    await page.goto(`${hotline.url}/status`);
    await page.locator("#status-form button:not([disabled])").waitFor();
    await tabTo(page, "#case-number");
    await page.keyboard.type(receipt.case_id);
    await tabTo(page, "#case-secret-input");
    await page.keyboard.type(receipt.case_secret);
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Your report" }).waitFor();
    assert.equal(await focused(page), "case-title");
    await tabTo(page, "#withdraw");
    await page.keyboard.press("Enter");
    // The dialog takes focus; Tab stays inside it.
    await tabTo(page, "#withdraw-yes");
    await page.keyboard.press("Enter");
    await page.getByText("Your report has been withdrawn.").waitFor();
    assert.equal(await focused(page), "case-title");
    await context.close();
  });
});

describe("the quick exit", () => {
  for (const [how, leave] of [
    ["button", (page) => page.getByRole("link", { name: /Quick exit/ }).click()],
    ["Escape key", (page) => page.keyboard.press("Escape")],
  ]) {
    test(`by ${how}: leaves for the neutral site with no history entry behind`, async () => {
      const { context } = await openContext(browser);
      const { page } = await newPage(context);
      await page.goto(`${hotline.url}/`);
      const entries = await page.evaluate(() => history.length);
      // A visit of several pages is still one history entry.
      await page.getByRole("link", { name: "It's a picture of me" }).click();
      // Links within the site keep the language in the address.
      await page.waitForURL(`${hotline.url}/en/report`);
      await page.getByLabel("The person in the picture was under 18").focus();
      await leave(page);
      await page.waitForURL(NEUTRAL_URL);
      assert.equal(await page.evaluate(() => history.length), entries);
      // Back leads to wherever the browser was before, never to the hotline.
      await page.goBack();
      assert.notEqual(new URL(page.url()).origin, hotline.origin, page.url());
      await context.close();
    });
  }

  test("works before the page's other scripts have loaded", async () => {
    const { context } = await openContext(browser);
    // Hold back every module (everything but the quick exit's own script).
    await context.route(/\/assets\/(js\/(?!exit\.js)|pdq\/)/, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      await route.continue().catch(() => {});
    });
    const { page } = await newPage(context);
    await page.goto(`${hotline.url}/report`, { waitUntil: "commit" });
    const entries = await page.evaluate(() => history.length);
    await page.locator("#quick-exit").waitFor({ state: "attached" });
    await page.keyboard.press("Escape");
    await page.waitForURL(NEUTRAL_URL, { timeout: 4_000 });
    assert.equal(await page.evaluate(() => history.length), entries);
    await context.close();
  });

  test("after the skip link too: a jump within the page adds no history entry", async () => {
    const { context } = await openContext(browser);
    const { page } = await newPage(context);
    await page.goto(`${hotline.url}/status`);
    const entries = await page.evaluate(() => history.length);
    await page.locator("#status-form button:not([disabled])").waitFor();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement.textContent), "Skip to main content");
    await page.keyboard.press("Enter");
    assert.equal(await page.evaluate(() => document.activeElement.id), "main");
    assert.equal(await page.evaluate(() => history.length), entries);
    await page.keyboard.press("Escape");
    await page.waitForURL(NEUTRAL_URL);
    await page.goBack();
    assert.notEqual(new URL(page.url()).origin, hotline.origin, page.url());
    await context.close();
  });

  test("works from inside the withdrawal dialog", async () => {
    const receipt = await apiReport({ reporter: "young_person", urls: ["https://example.com/q"] });
    const { context } = await openContext(browser);
    const { page } = await newPage(context);
    await page.goto(`${hotline.url}/status`);
    await page.getByLabel("Case number").fill(receipt.case_id);
    await page.getByLabel("Secret code").fill(receipt.case_secret);
    await page.getByRole("button", { name: "Show my report" }).click();
    await page.getByRole("button", { name: "Withdraw my report" }).click();
    await page.getByRole("dialog").waitFor();
    await page.keyboard.press("Escape");
    await page.waitForURL(NEUTRAL_URL);
    await context.close();
  });
});

describe("the status page", () => {
  test("shows the case and withdraws it", async () => {
    const receipt = await apiReport({
      reporter: "young_person",
      hashes: [{ algorithm: "sha256", value: "c".repeat(64) }],
      urls: ["https://example.com/status-test"],
    });
    const { context, requests } = await openContext(browser, { viewport: { width: 375, height: 812 } });
    const { page, errors } = await newPage(context);
    await page.goto(`${hotline.url}/status`);
    // Typed as a person might: small letters, no dashes.
    await page.getByLabel("Case number").fill(receipt.case_id.toLowerCase().replaceAll("-", ""));
    await page.getByLabel("Secret code").fill(receipt.case_secret.toLowerCase());
    await page.getByRole("button", { name: "Show my report" }).click();
    await page.getByRole("heading", { name: "Your report" }).waitFor();
    const shown = await page.locator("#case").innerText();
    assert.match(shown, /Your report is active/);
    assert.match(shown, /Exact fingerprint \(SHA256\)/);
    assert.match(shown, /https:\/\/example\.com\/status-test/);
    assert.match(shown, /No website has reported finding a copy yet/);
    await screenshots(page, "status-case");

    await page.getByRole("button", { name: "Withdraw my report" }).click();
    await page.getByRole("button", { name: "Yes, withdraw it" }).click();
    await page.getByText("Your report has been withdrawn.").waitFor();
    assert.match(await page.locator("#case").innerText(), /You withdrew this report/);
    assert.ok(await page.getByRole("button", { name: "Withdraw my report" }).isHidden());
    assert.equal((await caseStatus(receipt)).state, "withdrawn");
    assert.ok(requests.some((r) => r.method === "DELETE"));
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("a wrong secret gets the same kind answer as an unknown case", async () => {
    const receipt = await apiReport({ reporter: "young_person", urls: ["https://example.com/x"] });
    const { context } = await openContext(browser);
    const { page } = await newPage(context);
    await page.goto(`${hotline.url}/status`);
    await page.getByRole("button", { name: "Show my report" }).click();
    await page.getByText("Enter both the case number and the secret code.").waitFor();
    for (const caseId of [receipt.case_id, "AAAA-BBBB-CCCC"]) {
      await page.getByLabel("Case number").fill(caseId);
      await page.getByLabel("Secret code").fill("00000-00000-00000-00000");
      await page.getByRole("button", { name: "Show my report" }).click();
      await page.getByText("We couldn't find a report with that case number and secret code").waitFor();
      assert.ok(await page.locator("#case").isHidden());
    }
    await context.close();
  });
});

describe("the trusted adult's page", () => {
  test("sends web addresses only, and never asks for an image", async () => {
    const { context, requests } = await openContext(browser, { viewport: { width: 1280, height: 800 } });
    const { page, errors } = await newPage(context);
    await page.goto(`${hotline.url}/adult`);
    assert.equal(await page.locator('input[type="file"]').count(), 0);
    const text = await page.locator("main").innerText();
    assert.match(text, /Don't ask to see the image/);
    assert.match(text, /Follow your organisation's safeguarding procedure/);
    assert.match(text, /Call your local emergency number if a child is in immediate danger/);
    await screenshots(page, "adult");
    await page.getByRole("textbox", { name: "Web addresses" }).fill("https://example.com/a\nhttps://example.org/b");
    await page.getByRole("button", { name: "Send the web addresses" }).click();
    // The confirmations first.
    await page.locator("#under-18-error").waitFor();
    await page.getByLabel(/The young person in the image is under 18/).check();
    await page.getByLabel(/I agree that .* can share these addresses/).check();
    await page.getByRole("button", { name: "Send the web addresses" }).click();
    await page.getByRole("heading", { name: /the web addresses have been sent/ }).waitFor();
    const posts = requests.filter((r) => r.method === "POST");
    assert.equal(posts.length, 1);
    const sent = JSON.parse(posts[0].body.toString());
    assert.deepEqual(sent, {
      reporter: "trusted_adult",
      hashes: [],
      urls: ["https://example.com/a", "https://example.org/b"],
      under_18: true,
      consent_to_share: true,
    });
    const status = await caseStatus({
      case_id: await page.locator("#case-id").innerText(),
      case_secret: await page.locator("#case-secret").innerText(),
    });
    assert.equal(status.reporter, "trusted_adult");
    assert.equal(status.urls.length, 2);
    await assertOnlySmallRequestsToTheHotline(requests, []);
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe("when scripts fail to load", () => {
  test("the page says so instead of doing nothing", async () => {
    const { context } = await openContext(browser);
    await context.route("**/assets/js/report.js", (route) => route.abort());
    const { page } = await newPage(context);
    await page.goto(`${hotline.url}/report`);
    await page.getByText("This page didn't load properly").waitFor({ timeout: 10_000 });
    await context.close();
  });

  test("without the hasher, a picture says so, and a report of where it was seen still goes", async () => {
    const { context, requests } = await openContext(browser);
    await context.route("**/assets/pdq/**", (route) => route.abort());
    const { page } = await newPage(context);
    await startReport(page);
    await page.getByLabel("Choose pictures").setInputFiles([pictures["odd-size.png"]]);
    await page.locator('#picture-list .file[data-state="failed"]').waitFor();
    await page.getByRole("button", { name: /I don't have the picture/ }).click();
    await page.getByRole("textbox", { name: "Web addresses" }).fill("https://example.com/still");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("button", { name: "Send the fingerprints" }).click();
    await page.getByRole("heading", { name: "Your report has been sent" }).waitFor();
    const sent = JSON.parse(requests.find((r) => r.method === "POST").body.toString());
    assert.deepEqual(sent.hashes, []);
    await context.close();
  });
});

describe("a right-to-left language", () => {
  test("reads right to left, fits a small phone, and passes axe", async () => {
    const { context } = await openContext(browser, { viewport: { width: 320, height: 640 } });
    const { page, errors } = await newPage(context);
    for (const route of ["/ar/", "/ar/report", "/fa/status", "/fa/adult"]) {
      await page.goto(`${hotline.url}${route}`);
      assert.equal(await page.evaluate(() => document.documentElement.dir), "rtl");
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 320), route);
      assert.deepEqual(await seriousViolations(page), [], route);
    }
    await screenshots(page, "adult-rtl");
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe("without JavaScript", () => {
  test("the forms cannot be sent, so nothing lands in the address bar", async () => {
    const { context } = await openContext(browser, { javaScriptEnabled: false });
    const { page } = await newPage(context);
    await page.goto(`${hotline.url}/status`);
    await page.getByLabel("Case number").fill("ABCD-EFGH-JK12");
    await page.getByLabel("Secret code").fill("ABCDE-FGH12-JKMNP-QRSTV");
    await page.getByLabel("Secret code").press("Enter");
    await page.waitForTimeout(500);
    assert.equal(page.url(), `${hotline.url}/status`);
    assert.ok(await page.getByRole("button", { name: "Show my report" }).isDisabled());
    for (const route of ["/report", "/adult"]) {
      await page.goto(`${hotline.url}${route}`);
      for (const button of await page.locator('button[type="submit"]').all()) {
        assert.ok(await button.isDisabled(), route);
      }
      assert.equal(await page.locator("input[name], textarea[name]").count(), 0, route);
    }
    await context.close();
  });
});

describe("every page", () => {
  for (const route of ["/", "/report", "/status", "/adult", "/no-such-page"]) {
    test(`${route}: accessible, help and quick exit, 320px wide, keyboard first stop`, async () => {
      const { context, requests } = await openContext(browser, { viewport: { width: 320, height: 640 } });
      const { page, errors } = await newPage(context);
      await page.goto(`${hotline.url}${route}`);
      assert.deepEqual(await seriousViolations(page), []);
      // No sideways scrolling on a small phone.
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 320));
      await page.getByRole("heading", { name: "Talk to someone" }).waitFor();
      await page.getByText("Child Helpline International", { exact: true }).waitFor();
      // The quick exit is the first thing Tab reaches.
      await page.keyboard.press("Tab");
      assert.equal(await page.evaluate(() => document.activeElement.id), "quick-exit");
      if (route !== "/no-such-page") await screenshots(page, route === "/" ? "index" : route.slice(1));
      await assertOnlySmallRequestsToTheHotline(requests, []);
      assert.deepEqual(errors.filter((e) => !e.includes("404")), []);
      await context.close();
    });
  }
});
