// Draws the tray and app icons into assets/ (run `node scripts/make-icons.mjs`; the PNGs are
// committed, so this runs only when the design changes). No image library: shapes are drawn with
// distance functions, anti-aliased by supersampling, and written by a tiny PNG encoder over zlib.
//
// Tray: a ring gauge filling with the active account's quota level — ok (a third), high (three
// quarters), critical (nearly full, with a centre dot), exhausted (a full ring struck through).
// Shapes alone tell the levels apart, so macOS template images (black + alpha, tinted by the OS)
// carry the same information as the coloured Windows/Linux icons.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

export const TRAY_LEVELS = ['ok', 'high', 'critical', 'exhausted'];
export const TRAY_SIZE = 16;
export const LINUX_ICON_SIZES = [16, 32, 48, 64, 128, 256, 512];

const LEVEL_COLOURS = {
  ok: [46, 158, 91],
  high: [224, 161, 0],
  critical: [217, 58, 58],
  exhausted: [122, 122, 122],
};
const LEVEL_FILL = { ok: 0.34, high: 0.75, critical: 0.92, exhausted: 1 };

// ---------- PNG encoding ----------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Encodes straight (non-premultiplied) RGBA pixels, row-major, as an 8-bit RGBA PNG. */
export function encodePng(width, height, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, no filter method extras, no interlace
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    rgba.copy(raw, y * (width * 4 + 1) + 1, y * width * 4, (y + 1) * width * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------- drawing ----------

/**
 * Renders `paint(x, y)` (x, y in 0..1; returns [r, g, b, a] straight colour with a in 0..1, or
 * null for transparent) at `size`×`size` with `samples`² supersampling.
 */
function render(size, paint, samples = 4) {
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const colour = paint((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size);
          if (!colour) continue;
          r += colour[0] * colour[3];
          g += colour[1] * colour[3];
          b += colour[2] * colour[3];
          a += colour[3];
        }
      }
      const i = (py * size + px) * 4;
      const n = samples * samples;
      rgba[i] = a > 0 ? Math.round(r / a) : 0;
      rgba[i + 1] = a > 0 ? Math.round(g / a) : 0;
      rgba[i + 2] = a > 0 ? Math.round(b / a) : 0;
      rgba[i + 3] = Math.round((a / n) * 255);
    }
  }
  return rgba;
}

/** Clockwise angle from 12 o'clock, 0..1 of a turn. */
function turnOf(x, y, cx, cy) {
  const angle = Math.atan2(x - cx, -(y - cy));
  return (angle < 0 ? angle + 2 * Math.PI : angle) / (2 * Math.PI);
}

function distanceToSegment(x, y, ax, ay, bx, by) {
  const dx = bx - ax,
    dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}

/** The tray gauge for `level`; `template` draws black + alpha for macOS. */
export function renderTrayIcon(level, size, template) {
  const fill = LEVEL_FILL[level];
  const ink = template ? [0, 0, 0] : LEVEL_COLOURS[level];
  const track = template ? [0, 0, 0, 0.3] : [128, 128, 128, 0.45];
  return render(size, (x, y) => {
    const d = Math.hypot(x - 0.5, y - 0.5);
    if (level === 'exhausted' && distanceToSegment(x, y, 0.8, 0.2, 0.2, 0.8) < 0.075 && d < 0.47) return [...ink, 1];
    if (level === 'critical' && d < 0.12) return [...ink, 1];
    if (d > 0.47 || d < 0.28) return null;
    return turnOf(x, y, 0.5, 0.5) <= fill ? [...ink, 1] : track;
  });
}

/**
 * The app icon: a speedometer gauge on a dark rounded square — a 270° track, three quarters of it
 * lit in warm orange, and a hub.
 */
export function renderAppIcon(size) {
  const radius = 0.2; // corner radius of the rounded square
  return render(
    size,
    (x, y) => {
      const qx = Math.max(Math.abs(x - 0.5) - (0.5 - radius - 0.03), 0);
      const qy = Math.max(Math.abs(y - 0.5) - (0.5 - radius - 0.03), 0);
      if (Math.hypot(qx, qy) > radius) return null;
      const background = [31 + 20 * (1 - y), 41 + 14 * (1 - y), 55 + 24 * (1 - y), 1];
      const d = Math.hypot(x - 0.5, y - 0.53);
      if (d < 0.075) return [241, 245, 249, 1];
      if (distanceToSegment(x, y, 0.5, 0.53, 0.69, 0.42) < 0.028) return [241, 245, 249, 1];
      if (d > 0.36 || d < 0.27) return background;
      // The gauge runs clockwise from 7:30 (0.625 of a turn) to 4:30 (0.375), leaving the bottom open.
      const t = (turnOf(x, y, 0.5, 0.53) - 0.625 + 1) % 1;
      if (t > 0.75) return background;
      return t <= 0.75 * 0.72 ? [217, 119, 87, 1] : [71, 85, 105, 1];
    },
    size >= 256 ? 3 : 4,
  );
}

// ---------- files ----------

/** Writes every icon under `assetsDir`; returns the written paths (relative). */
export function writeIcons(assetsDir) {
  const written = [];
  const write = (relative, size, rgba) => {
    const path = join(assetsDir, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, encodePng(size, size, rgba));
    written.push(relative);
  };
  for (const level of TRAY_LEVELS) {
    for (const [suffix, scale] of [
      ['', 1],
      ['@2x', 2],
    ]) {
      write(`tray/tray-${level}${suffix}.png`, TRAY_SIZE * scale, renderTrayIcon(level, TRAY_SIZE * scale, false));
      write(`tray/tray-${level}Template${suffix}.png`, TRAY_SIZE * scale, renderTrayIcon(level, TRAY_SIZE * scale, true));
    }
  }
  write('icon.png', 1024, renderAppIcon(1024));
  for (const size of LINUX_ICON_SIZES) write(`icons/${size}x${size}.png`, size, renderAppIcon(size));
  return written;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  // `--out DIR` writes elsewhere (the icon test regenerates into a temp folder and compares).
  const outIndex = process.argv.indexOf('--out');
  const assetsDir =
    outIndex > 0 && process.argv[outIndex + 1] ? process.argv[outIndex + 1] : join(dirname(fileURLToPath(import.meta.url)), '..', 'assets');
  const written = writeIcons(assetsDir);
  process.stdout.write(`make-icons: wrote ${written.length} icons to ${assetsDir}\n`);
}
