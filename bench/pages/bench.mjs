// The reporter page's fingerprinting of 12-megapixel photos in Chromium, beside the native
// `takeback hash`. Run through bench/pages/run.

import { execFileSync } from "node:child_process";
import { statSync } from "node:fs";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import path from "node:path";
import { launchBrowser, root, startHotline } from "../../web/test/e2e/support.mjs";

const RUNS = Number(process.env.RUNS ?? 9);
const binary = path.join(root, "target/release/takeback");
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const hotline = await startHotline();
const browser = await launchBrowser();
const dir = await mkdtemp(path.join(tmpdir(), "takeback-bench-pages-"));
const results = [];
try {
  const page = await browser.newPage();
  await page.goto(`${hotline.url}/report`);
  // Benign, photo-like pictures: soft gradients, shapes and fine noise, drawn in the page.
  const make = (type) =>
    page.evaluate(async (type) => {
      const [width, height] = [4000, 3000];
      const canvas = new OffscreenCanvas(width, height);
      const g = canvas.getContext("2d");
      const sky = g.createLinearGradient(0, 0, 0, height);
      sky.addColorStop(0, "#6fa8dc");
      sky.addColorStop(1, "#f6d7a7");
      g.fillStyle = sky;
      g.fillRect(0, 0, width, height);
      let s = 42;
      const r = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
      for (let i = 0; i < 300; i++) {
        g.fillStyle = `hsla(${r() * 360} 50% ${30 + r() * 50}% / 0.6)`;
        g.beginPath();
        g.ellipse(r() * width, r() * height, 20 + r() * 400, 20 + r() * 300, r() * 3, 0, 7);
        g.fill();
      }
      const noise = g.getImageData(0, 0, width, height);
      for (let i = 0; i < noise.data.length; i += 4) {
        const n = (r() - 0.5) * 24;
        noise.data[i] += n;
        noise.data[i + 1] += n;
        noise.data[i + 2] += n;
      }
      g.putImageData(noise, 0, 0);
      const blob = await canvas.convertToBlob({ type, quality: 0.92 });
      return Array.from(new Uint8Array(await blob.arrayBuffer()));
    }, type);
  for (const [name, type] of [["photo-12mp.jpg", "image/jpeg"], ["photo-12mp.png", "image/png"]]) {
    const file = path.join(dir, name);
    await writeFile(file, Buffer.from(await make(type)));

    // The page's own path: File → worker → fingerprint, as a young person's pick.
    await page.evaluate(() => {
      const input = document.createElement("input");
      input.type = "file";
      input.id = "bench-input";
      document.body.append(input);
    });
    await page.setInputFiles("#bench-input", file);
    const timings = await page.evaluate(async (runs) => {
      const file = document.getElementById("bench-input").files[0];
      const { startFingerprinter } = await import("/assets/js/fingerprint.js");
      const { loadPdq } = await import("/assets/pdq/takeback-pdq.js");
      const fingerprinter = startFingerprinter();
      await fingerprinter.fingerprint(file); // starts the worker, compiles the wasm
      const whole = [];
      let result;
      for (let i = 0; i < runs; i++) {
        const start = performance.now();
        result = await fingerprinter.fingerprint(file);
        whole.push(performance.now() - start);
      }
      // Each stage alone, on the page's thread, with both builds of the module.
      const [plain, simd] = await Promise.all([
        loadPdq("/assets/pdq/takeback_pdq_wasm.wasm"),
        loadPdq("/assets/pdq/takeback_pdq_simd.wasm"),
      ]);
      const stages = { read: [], digests: [], bitmap: [], pixels: [], planes: [], jpeg: [], pdqSimd: [], pdqPlain: [] };
      const isJpeg = file.type === "image/jpeg" && typeof ImageDecoder === "function";
      for (let i = 0; i < runs; i++) {
        let t = performance.now();
        const bytes = new Uint8Array(await file.arrayBuffer());
        stages.read.push(performance.now() - t);
        t = performance.now();
        simd.digestBytes(bytes);
        stages.digests.push(performance.now() - t);
        t = performance.now();
        const bitmap = await createImageBitmap(file, { colorSpaceConversion: "none", premultiplyAlpha: "none" });
        stages.bitmap.push(performance.now() - t);
        t = performance.now();
        const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
        const context = canvas.getContext("2d", { willReadFrequently: true });
        context.drawImage(bitmap, 0, 0);
        const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
        stages.pixels.push(performance.now() - t);
        t = performance.now();
        simd.hashRgba(data, bitmap.width, bitmap.height);
        stages.pdqSimd.push(performance.now() - t);
        t = performance.now();
        plain.hashRgba(data, bitmap.width, bitmap.height);
        stages.pdqPlain.push(performance.now() - t);
        bitmap.close();
        if (isJpeg) {
          t = performance.now();
          const decoder = new ImageDecoder({ data: bytes, type: "image/jpeg", colorSpaceConversion: "none" });
          const { image } = await decoder.decode();
          decoder.close();
          stages.planes.push(performance.now() - t);
          t = performance.now();
          await simd.hashJpegFrame(image);
          stages.jpeg.push(performance.now() - t);
          image.close();
        }
      }
      return { whole, stages, result };
    }, RUNS);
    await page.evaluate(() => document.getElementById("bench-input").remove());

    // Natively: the whole command (start-up, read, decode, hash), on the same file.
    const native = [];
    let nativeHash;
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      nativeHash = JSON.parse(execFileSync(binary, ["hash", file]).toString());
      native.push(performance.now() - start);
    }
    // The reference pipeline (Pillow + pdqhash + hashlib), in its own warm process.
    const python = process.env.TAKEBACK_BENCH_PYTHON ?? "python3";
    const reference = JSON.parse(
      execFileSync(python, [path.join(root, "bench/pages/reference.py"), String(RUNS), file]).toString(),
    );
    results.push({
      name,
      bytes: statSync(file).size,
      page: median(timings.whole),
      pageRuns: timings.whole,
      stages: Object.fromEntries(
        Object.entries(timings.stages).map(([k, v]) => [k, v.length ? median(v) : null]),
      ),
      native: median(native),
      reference: reference.ms,
      referenceSame: reference.pdq === nativeHash.pdq,
      sameHash: timings.result.pdq.hash === nativeHash.pdq,
      quality: timings.result.pdq.quality,
    });
    console.error(
      `${name}: page ${median(timings.whole).toFixed(0)} ms, native ${median(native).toFixed(0)} ms, reference ${reference.ms.toFixed(0)} ms`,
    );
  }
} finally {
  await browser.close();
  await hotline.stop();
}

const chromium = execFileSync("/usr/bin/chromium", ["--version"], { stdio: ["ignore", "pipe", "ignore"] })
  .toString()
  .trim();
const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root }).toString().trim();
const f = (ms) => `${ms.toFixed(0)} ms`;
const lines = [
  "# Reporter page: fingerprinting a 12-megapixel photo",
  "",
  `${chromium}, headless; ${cpus().length} × ${cpus()[0].model}; commit ${commit}; medians of ${RUNS} runs.`,
  "",
  "| file | size | in the page (worker) | `takeback hash` (native, whole command) | reference: Pillow + pdqhash + hashlib (in-process) | page ÷ reference | page ÷ native | same PDQ: page, reference |",
  "|---|---|---|---|---|---|---|---|",
  ...results.map((r) =>
    `| ${r.name} | ${(r.bytes / 1e6).toFixed(1)} MB | ${f(r.page)} | ${f(r.native)} | ${f(r.reference)} | ${(r.page / r.reference).toFixed(2)} | ${(r.page / r.native).toFixed(2)} | ${r.sameHash ? "yes" : "no"}, ${r.referenceSame ? "yes" : "no"} |`,
  ),
  "",
  "Stages, each alone on the page's thread (medians). The page decodes an upright JPEG that fits with",
  "WebCodecs' `ImageDecoder` to its 4:2:0 planes and makes RGBA of them in WebAssembly (as libjpeg does),",
  "while it computes the digests; anything else goes through `createImageBitmap` and a canvas.",
  "",
  "| file | read file | MD5 + SHA-256 (wasm) | decode: `createImageBitmap` | pixels: canvas, `getImageData` | PDQ of RGBA, SIMD build | PDQ of RGBA, plain build | decode: `ImageDecoder` to planes | planes → RGBA → PDQ (SIMD) |",
  "|---|---|---|---|---|---|---|---|---|",
  ...results.map((r) => {
    const g = (ms) => (ms === null ? "–" : f(ms));
    const st = r.stages;
    return `| ${r.name} | ${g(st.read)} | ${g(st.digests)} | ${g(st.bitmap)} | ${g(st.pixels)} | ${g(st.pdqSimd)} | ${g(st.pdqPlain)} | ${g(st.planes)} | ${g(st.jpeg)} |`;
  }),
  "",
];
await mkdir(path.join(root, "bench/results"), { recursive: true });
await writeFile(path.join(root, "bench/results/pages.md"), lines.join("\n"));
console.log(lines.join("\n"));
