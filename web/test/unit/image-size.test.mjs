// Unit tests of web/assets/js/image-size.js: a picture's size from its header.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fitWithin, imageSize, jpegIsPlanar420, jpegOrientation } from "../../assets/js/image-size.js";

const samples = new URL("../../../samples/", import.meta.url);

test("real files: PNG, JPEG and GIF", async () => {
  // Sizes as `takeback hash samples/` reports them.
  assert.deepEqual(imageSize(await readFile(new URL("smooth-grey.png", samples))), { width: 480, height: 640 });
  assert.deepEqual(imageSize(await readFile(new URL("shapes.jpg", samples))), { width: 800, height: 600 });
  const gif = imageSize(await readFile(new URL("stripes.gif", samples)));
  assert.ok(gif && gif.width > 0 && gif.height > 0);
});

test("JPEG: metadata and fill bytes before the frame are skipped", () => {
  const bytes = Uint8Array.from([
    0xff, 0xd8,
    0xff, 0xe1, 0x00, 0x06, 1, 2, 3, 4, // an APP1 segment (EXIF, say) of 6 bytes
    0xff, 0xff, // a fill byte
    0xff, 0xc2, 0x00, 0x11, 0x08, 0x0b, 0xb8, 0x0f, 0xa0, 0x03, // progressive frame: 4000 × 3000
  ]);
  assert.deepEqual(imageSize(bytes), { width: 4000, height: 3000 });
  // A DHT (C4) segment is not a frame.
  const dht = Uint8Array.from([0xff, 0xd8, 0xff, 0xc4, 0x00, 0x02, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x20]);
  assert.deepEqual(imageSize(dht), { width: 32, height: 16 });
});

test("WebP: lossy, lossless and extended", () => {
  const riff = (chunk, body) => Uint8Array.from([..."RIFF"].map((c) => c.charCodeAt(0)).concat([0, 0, 0, 0], [..."WEBP" + chunk].map((c) => c.charCodeAt(0)), body));
  // VP8: frame tag and start code, then 14-bit width and height at bytes 26 and 28.
  const lossy = riff("VP8 ", [0, 0, 0, 0, 0, 0, 0, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xf0, 0x00]);
  assert.deepEqual(imageSize(lossy), { width: 320, height: 240 });
  // VP8L: signature 0x2f, then (width - 1) and (height - 1) in 14 bits each.
  const bits = (320 - 1) | ((240 - 1) << 14);
  const lossless = riff("VP8L", [0, 0, 0, 0, 0x2f, bits & 255, (bits >> 8) & 255, (bits >> 16) & 255, (bits >>> 24) & 255, 0]);
  assert.deepEqual(imageSize(lossless), { width: 320, height: 240 });
  // VP8X: 24-bit (width - 1) and (height - 1).
  const extended = riff("VP8X", [0, 0, 0, 0, 0, 0, 0, 0, 0x3f, 0x01, 0x00, 0xef, 0x00, 0x00]);
  assert.deepEqual(imageSize(extended), { width: 320, height: 240 });
});

test("anything else, or anything cut short, has no size", () => {
  assert.equal(imageSize(new Uint8Array(0)), null);
  assert.equal(imageSize(new TextEncoder().encode("not a picture at all, just words")), null);
  assert.equal(imageSize(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), null);
  assert.equal(imageSize(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10])), null);
  assert.equal(imageSize(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x00, 0xff, 0xc0])), null);
  // A view into a larger buffer reads its own bytes only.
  const buffer = new Uint8Array(64).fill(7);
  assert.equal(imageSize(buffer.subarray(10, 40)), null);
});

test("big pictures are fitted within the pixel budget, keeping their shape", () => {
  assert.equal(fitWithin(4000, 3000, 16_777_216), null);
  const fitted = fitWithin(8000, 6000, 16_777_216);
  assert.ok(fitted.width * fitted.height <= 16_777_216);
  assert.ok(fitted.width * fitted.height > 16_000_000);
  assert.ok(Math.abs(fitted.width / fitted.height - 4 / 3) < 0.001);
  assert.deepEqual(fitWithin(1_000_000, 1, 1000), { width: 1000, height: 1 });
  assert.deepEqual(fitWithin(2, 1_000_000, 1000), { width: 1, height: 1000 });
});

test("JPEG orientation: from EXIF in either byte order, 1 without, null for other files", async () => {
  // APP1 "Exif\0\0", a TIFF header, and a first directory of one entry: 0x0112 = value.
  const exif = (little, value) => {
    const u16 = (v) => (little ? [v & 255, v >> 8] : [v >> 8, v & 255]);
    const u32 = (v) => (little ? [v & 255, 0, 0, 0] : [0, 0, 0, v & 255]);
    const tiff = [...(little ? [0x49, 0x49] : [0x4d, 0x4d]), ...u16(42), ...u32(8), ...u16(1),
      ...u16(0x0112), ...u16(3), ...u32(1), ...u16(value), 0, 0, ...u32(0)];
    const segment = [0x45, 0x78, 0x69, 0x66, 0, 0, ...tiff];
    return Uint8Array.from([0xff, 0xd8, 0xff, 0xe1, (segment.length + 2) >> 8, (segment.length + 2) & 255,
      ...segment, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x20]);
  };
  assert.equal(jpegOrientation(exif(true, 6)), 6);
  assert.equal(jpegOrientation(exif(false, 8)), 8);
  assert.equal(jpegOrientation(exif(true, 1)), 1);
  assert.equal(jpegOrientation(exif(true, 9)), null);
  assert.equal(jpegOrientation(await readFile(new URL("shapes.jpg", samples))), 1);
  assert.equal(jpegOrientation(await readFile(new URL("smooth-grey.png", samples))), null);
  assert.equal(jpegOrientation(Uint8Array.from([0xff, 0xd8, 0xff, 0xe1, 0x00, 0x40])), null); // cut short
});

test("JPEG planes: only a sequential 8-bit 4:2:0 frame can be handed over as I420", async () => {
  // A frame header: marker, length 17, precision, 16 × 32, then three components of id,
  // sampling (horizontal << 4 | vertical) and quantisation table.
  const jpeg = ({ marker = 0xc0, precision = 8, sampling = [0x22, 0x11, 0x11] } = {}) =>
    Uint8Array.from([
      0xff, 0xd8,
      0xff, 0xe0, 0x00, 0x04, 0, 0, // an APP0 segment before the frame
      0xff, marker, 0x00, 0x11, precision, 0x00, 0x10, 0x00, 0x20, 0x03,
      ...sampling.flatMap((s, i) => [i + 1, s, i === 0 ? 0 : 1]),
      0xff, 0xda, 0x00, 0x0c, // the scan's header follows
    ]);
  assert.equal(jpegIsPlanar420(jpeg()), true, "baseline 4:2:0");
  assert.equal(jpegIsPlanar420(jpeg({ marker: 0xc1 })), true, "extended sequential 4:2:0");
  assert.equal(jpegIsPlanar420(await readFile(new URL("shapes.jpg", samples))), false, "a real 4:4:4 file");
  assert.equal(jpegIsPlanar420(jpeg({ sampling: [0x11, 0x11, 0x11] })), false, "4:4:4");
  assert.equal(jpegIsPlanar420(jpeg({ sampling: [0x21, 0x11, 0x11] })), false, "4:2:2");
  assert.equal(jpegIsPlanar420(jpeg({ sampling: [0x22, 0x11, 0x12] })), false, "odd chroma");
  assert.equal(jpegIsPlanar420(jpeg({ marker: 0xc2 })), false, "progressive");
  assert.equal(jpegIsPlanar420(jpeg({ marker: 0xc3 })), false, "lossless");
  assert.equal(jpegIsPlanar420(jpeg({ marker: 0xc9 })), false, "arithmetic coding");
  assert.equal(jpegIsPlanar420(jpeg({ precision: 12 })), false, "12-bit");
  // Greyscale: one component; CMYK: four.
  const grey = Uint8Array.from([0xff, 0xd8, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x10, 0x00, 0x20, 0x01, 1, 0x11, 0]);
  assert.equal(jpegIsPlanar420(grey), false, "greyscale");
  const cmyk = Uint8Array.from([0xff, 0xd8, 0xff, 0xc0, 0x00, 0x14, 0x08, 0x00, 0x10, 0x00, 0x20, 0x04,
    1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 4, 0x22, 0]);
  assert.equal(jpegIsPlanar420(cmyk), false, "CMYK");
  // Cut short anywhere in the frame header, or not a JPEG at all.
  const whole = jpeg();
  for (let end = 0; end < 27; end++) {
    assert.equal(jpegIsPlanar420(whole.subarray(0, end)), false, `cut at ${end}`);
  }
  assert.equal(jpegIsPlanar420(new TextEncoder().encode("not a picture at all, just words")), false);
  assert.equal(jpegIsPlanar420(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), false);
  assert.equal(jpegIsPlanar420(new Uint8Array(0)), false);
});
