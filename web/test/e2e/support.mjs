// What the end-to-end tests share: the real `takeback serve` on a fresh SQLite database,
// Debian's Chromium driven by playwright-core, a record of every request the pages make,
// and benign generated pictures.
//
// Needs the `takeback` binary (TAKEBACK_BIN, or target/debug/takeback, which `cargo test`
// builds) and Chromium (TAKEBACK_CHROMIUM, or /usr/bin/chromium). Without either, the tests
// fail and say what to install: a skipped browser test would look like a passing one.

import { spawn, execFile } from "node:child_process";
import { once } from "node:events";
import { access, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { chromium } from "playwright-core";

export const root = fileURLToPath(new URL("../../../", import.meta.url));
export const binary = path.resolve(root, process.env.TAKEBACK_BIN ?? "target/debug/takeback");
const chromiumPath = process.env.TAKEBACK_CHROMIUM ?? "/usr/bin/chromium";
/** Where the screenshots go, for people to look at. */
export const screenshotDir = path.resolve(root, process.env.TAKEBACK_SCREENSHOTS ?? "target/screenshots");

/** Where the quick exit goes in these tests: answered by the test, never the network. */
export const NEUTRAL_URL = "https://neutral.example/weather";

async function mustExist(file, advice) {
  try {
    await access(file);
  } catch {
    throw new Error(`${file} is missing: ${advice}`);
  }
}

/**
 * Starts `takeback ARGS…` (a server that prints "listening on URL" on stdout) and waits
 * for its address. Returns `{ url, stderr(), stop() }`; `stop` also removes `dir`.
 */
async function startService(what, args, env, dir) {
  const child = spawn(binary, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the ${what} did not start:\n${stderr}`)), 30_000);
    child.once("exit", (code) => reject(new Error(`the ${what} exited (${code}):\n${stderr}`)));
    lines.on("line", (line) => {
      const match = line.match(/listening on (http:\/\/\S+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  return {
    url,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await once(child, "exit");
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts `takeback serve` on a free port with a fresh SQLite database and `configToml`.
 * Returns `{ url, origin, stderr(), run(args), stop() }`.
 */
export async function startHotline({ configToml = "", env = {}, args = [] } = {}) {
  await mustExist(binary, "build it with `cargo build -p takeback` (or set TAKEBACK_BIN)");
  const dir = await mkdtemp(path.join(tmpdir(), "takeback-e2e-"));
  const config = path.join(dir, "hotline.toml");
  await writeFile(config, `[pages]\nquick_exit_url = "${NEUTRAL_URL}"\n${configToml}`);
  const database = `sqlite://${path.join(dir, "takeback.db")}`;
  const service = await startService(
    "hotline",
    ["serve", "--listen", "127.0.0.1:0", "--database", database, "--config", config, ...args],
    { TAKEBACK_LOG_FORMAT: "json", ...env },
    dir,
  );
  return {
    ...service,
    origin: new URL(service.url).origin,
    database,
    /** Runs `takeback ARGS…` and returns its stdout. */
    run: async (args) => (await promisify(execFile)(binary, args, { maxBuffer: 1 << 24 })).stdout,
  };
}

/**
 * Starts `takeback matcher` following `hotline` as a partner platform would (a partner
 * key made with `takeback partner add`), syncing every 0.3 s. Returns
 * `{ url, match(bytes, contentType), stop() }`; `match` answers with the JSON.
 */
export async function startMatcher(hotline) {
  const key = (await hotline.run(["partner", "add", "e2e-platform", "--database", hotline.database])).trim();
  const dir = await mkdtemp(path.join(tmpdir(), "takeback-e2e-matcher-"));
  const service = await startService(
    "matcher",
    ["matcher", "--listen", "127.0.0.1:0", "--hotline", hotline.url, "--key", key,
      "--state", dir, "--sync-interval", "0.3", "--log-format", "json"],
    {},
    dir,
  );
  return {
    ...service,
    async match(bytes, contentType) {
      const response = await fetch(`${service.url}/v1/match`, {
        method: "POST",
        headers: { "Content-Type": contentType },
        body: bytes,
      });
      return { status: response.status, body: await response.json() };
    },
  };
}

/** Chromium, headless, with nothing of its own reaching out to the network. */
export async function launchBrowser() {
  await mustExist(chromiumPath, "install Debian's chromium package (or set TAKEBACK_CHROMIUM)");
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-default-apps",
      "--disable-extensions",
    ],
  });
}

/**
 * A browser context whose every request is recorded (`requests`: method, url, body), and
 * in which the quick exit's neutral site is answered locally.
 */
export async function openContext(browser, options = {}) {
  const context = await browser.newContext(options);
  const requests = [];
  context.on("request", (request) => {
    requests.push({ method: request.method(), url: request.url(), body: request.postDataBuffer() });
  });
  await context.route(`${new URL(NEUTRAL_URL).origin}/**`, (route) =>
    route.fulfill({ contentType: "text/html", body: "<!doctype html><title>Weather</title><h1>Weather</h1>" }),
  );
  return { context, requests };
}

/** Starts a page that reports page errors as test failures. */
export async function newPage(context) {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  return { page, errors };
}

/**
 * Writes benign generated pictures into `dir`, drawn and encoded by the browser itself
 * (on a blank page, so that the pages' request record stays the pages' own):
 * two PNGs, a JPEG, a flat PNG with too little detail, a 24-megapixel JPEG, and a file
 * that is no picture.
 */
export async function generatePictures(browser, dir) {
  await mkdir(dir, { recursive: true });
  const page = await browser.newPage();
  const encode = (spec) =>
    page.evaluate(async ({ width, height, seed, type, quality, flat }) => {
      const canvas = document.createElement("canvas");
      canvas.width = width;
      canvas.height = height;
      const g = canvas.getContext("2d");
      let state = seed;
      const random = () => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32);
      g.fillStyle = flat ? "#7a8a99" : `hsl(${seed % 360} 60% 70%)`;
      g.fillRect(0, 0, width, height);
      if (!flat) {
        for (let i = 0; i < 40; i++) {
          g.fillStyle = `hsl(${Math.floor(random() * 360)} ${40 + random() * 50}% ${20 + random() * 60}%)`;
          const x = random() * width;
          const y = random() * height;
          if (i % 2) g.fillRect(x, y, random() * width * 0.4, random() * height * 0.4);
          else {
            g.beginPath();
            g.arc(x, y, random() * Math.min(width, height) * 0.25, 0, Math.PI * 2);
            g.fill();
          }
        }
      }
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, type, quality));
      return Array.from(new Uint8Array(await blob.arrayBuffer()));
    }, spec);
  const files = {
    "sunset-shapes.png": { width: 640, height: 480, seed: 7, type: "image/png" },
    "odd-size.png": { width: 333, height: 517, seed: 11, type: "image/png" },
    "holiday.jpg": { width: 800, height: 600, seed: 23, type: "image/jpeg", quality: 0.9 },
    "flat.png": { width: 200, height: 200, seed: 1, type: "image/png", flat: true },
    // 24 megapixels: over the pages' 16.7-megapixel canvas budget.
    "big-photo.jpg": { width: 6000, height: 4000, seed: 5, type: "image/jpeg", quality: 0.9 },
  };
  const paths = {};
  for (const [name, spec] of Object.entries(files)) {
    paths[name] = path.join(dir, name);
    await writeFile(paths[name], Buffer.from(await encode(spec)));
  }
  await page.close();
  // Not a picture at all: random bytes with a picture's name.
  paths["broken.jpg"] = path.join(dir, "broken.jpg");
  let state = 99;
  const noise = Buffer.alloc(4096, 0).map(() => (state = (state * 1103515245 + 12345) >>> 0) >>> 24);
  await writeFile(paths["broken.jpg"], noise);
  return paths;
}

/** Runs axe-core on the page; returns the serious and critical violations. */
export async function seriousViolations(page) {
  const axe = await import("axe-core");
  // Evaluated through the DevTools protocol, so the page's CSP (no inline scripts) stays on.
  await page.evaluate(axe.default.source);
  const results = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] } }),
  );
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** Saves the page at a phone's and a laptop's size. */
export async function screenshots(page, name) {
  await mkdir(screenshotDir, { recursive: true });
  const original = page.viewportSize();
  for (const [label, viewport] of [["phone", { width: 375, height: 812 }], ["laptop", { width: 1280, height: 800 }]]) {
    await page.setViewportSize(viewport);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(screenshotDir, `${name}-${label}.png`), fullPage: true });
  }
  if (original) await page.setViewportSize(original);
}

/**
 * Writes benign test videos into `dir` with the `ffmpeg` command (tools/test installs it):
 * FFmpeg's moving test pattern, as WebM (VP9) and MP4 (H.264), 6 seconds, and a
 * 40-second one to stop half-way.
 */
export async function generateVideos(dir) {
  await mkdir(dir, { recursive: true });
  const make = async (name, seconds, codec) => {
    const file = path.join(dir, name);
    await promisify(execFile)("ffmpeg", [
      "-hide_banner", "-loglevel", "error", "-nostdin", "-y",
      "-f", "lavfi", "-i", "testsrc2=size=480x270:rate=25",
      "-t", String(seconds), ...codec, "-pix_fmt", "yuv420p", file,
    ]);
    return file;
  };
  return {
    "pattern.webm": await make("pattern.webm", 6, ["-c:v", "libvpx-vp9", "-b:v", "600k", "-deadline", "realtime", "-cpu-used", "8"]),
    "pattern.mp4": await make("pattern.mp4", 6, ["-c:v", "libx264"]),
    "long.webm": await make("long.webm", 40, ["-c:v", "libvpx-vp9", "-b:v", "200k", "-deadline", "realtime", "-cpu-used", "8"]),
  };
}

/**
 * Starts `takeback serve` with the analyst console on, every new report held for an
 * analyst, and `consoleToml` added to `[console]` (e.g. `session_idle = "1s"`). Failed
 * sign-ins are not throttled unless asked, so that the tests of wrong tokens stay
 * independent of each other. Returns the hotline with an admin's and an analyst's
 * tokens: `{ …hotline, admin, analyst }`.
 */
export async function startConsoleHotline({ consoleToml = "" } = {}) {
  const hotline = await startHotline({
    configToml: `[console]\nenabled = true\nfailed_sign_ins_per_source_per_hour = 0\n${consoleToml}\n`,
    args: ["--listing-policy", "hold-for-analyst"],
  });
  const admin = await addAnalyst(hotline, "e2e-admin", "admin");
  const analyst = await addAnalyst(hotline, "e2e-analyst", "analyst");
  return { ...hotline, admin, analyst };
}

/** `takeback analyst add NAME --role ROLE`; returns the new token. */
export async function addAnalyst(hotline, name, role = "analyst") {
  return (await hotline.run(["analyst", "add", name, "--role", role, "--database", hotline.database])).trim();
}

/** `takeback analyst revoke NAME`. */
export async function revokeAnalyst(hotline, name) {
  await hotline.run(["analyst", "revoke", name, "--database", hotline.database]);
}

/** A made-up PDQ hash (64 hex digits) from `seed`: benign, matches nothing real. */
export function fakePdq(seed) {
  let state = (seed * 2654435761 + 0x12345678) >>> 0;
  let hex = "";
  while (hex.length < 64) {
    state = (state * 1103515245 + 12345) >>> 0;
    hex += (state >>> 8).toString(16).padStart(6, "0").slice(0, 4);
  }
  return hex.slice(0, 64);
}

/**
 * Holds `count` entries for an analyst, as the hotline's Rust tests do: one young person's
 * report of `count` made-up hashes through the API (the hotline holds every new entry), then
 * the analyst API's queue. Returns the held entries' ids, oldest first.
 */
export async function seedHeldEntries(hotline, token, count, seed = 1000) {
  const hashes = Array.from({ length: count }, (_, i) => ({ algorithm: "pdq", value: fakePdq(seed + i), quality: 90 }));
  const report = await fetch(`${hotline.url}/api/v1/reports`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ reporter: "young_person", hashes, urls: [], under_18: true, consent_to_share: true }),
  });
  if (report.status !== 201) throw new Error(`the report was refused (${report.status}): ${await report.text()}`);
  const queue = await analystApi(hotline, token, "/api/v1/analyst/queue");
  const wanted = new Set(hashes.map((h) => h.value));
  const ids = queue.filter((entry) => wanted.has(entry.value)).map((entry) => entry.id);
  if (ids.length !== count) throw new Error(`${ids.length} of ${count} entries are held: ${JSON.stringify(queue)}`);
  return ids;
}

/**
 * A young person's report of one web address (and a made-up hash). Returns the case
 * reference and the ids of the address's takedown items, from the analyst API.
 */
export async function reportAddress(hotline, address, seed = 5000) {
  const report = await fetch(`${hotline.url}/api/v1/reports`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      reporter: "young_person",
      hashes: [{ algorithm: "pdq", value: fakePdq(seed), quality: 90 }],
      urls: [address],
      under_18: true,
      consent_to_share: true,
    }),
  });
  if (report.status !== 201) throw new Error(`the report was refused (${report.status}): ${await report.text()}`);
  const { case_id: caseId } = await report.json();
  const items = (await analystApi(hotline, hotline.admin, "/api/v1/analyst/urls"))
    .filter((item) => item.url === address || item.case_ids.includes(caseId))
    .map((item) => item.id);
  if (items.length === 0) throw new Error(`no takedown item for ${address}`);
  return { caseId, items };
}

/** GET on the analyst API with `token`; returns the JSON. */
export async function analystApi(hotline, token, apiPath) {
  const response = await fetch(`${hotline.url}${apiPath}`, { headers: { Authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`${apiPath}: ${response.status}: ${await response.text()}`);
  return response.json();
}

/** Signs in through the console's form with `token` (the page ends wherever that leads). */
export async function signIn(page, hotline, token) {
  await page.goto(`${hotline.url}/console`);
  await page.getByLabel("Analyst token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForLoadState("load");
}

/** Runs axe-core on the page; returns every WCAG 2.x A/AA violation (any impact). */
export async function wcagViolations(page) {
  const axe = await import("axe-core");
  await page.evaluate(axe.default.source);
  const results = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] } }),
  );
  return results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
  );
}
