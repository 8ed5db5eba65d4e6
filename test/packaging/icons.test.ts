import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUOTA_LEVELS } from '../../src-main/shared/levels.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ASSETS = join(ROOT, 'assets');

interface Png {
  readonly width: number;
  readonly height: number;
  /** Straight RGBA, row-major. */
  readonly rgba: Buffer;
}

/** Decodes an 8-bit RGBA, non-interlaced PNG (what the icon script writes), all five row filters. */
function decodePng(bytes: Buffer): Png {
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('ascii', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect([data[8], data[9], data[12]]).toEqual([8, 6, 0]);
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const rgba = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x]!;
      const left = x >= 4 ? rgba[y * stride + x - 4]! : 0;
      const up = y > 0 ? rgba[(y - 1) * stride + x]! : 0;
      const upLeft = x >= 4 && y > 0 ? rgba[(y - 1) * stride + x - 4]! : 0;
      const paeth = (): number => {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        return pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      };
      const predictor = [0, left, up, (left + up) >> 1, paeth()][filter ?? 0] ?? 0;
      rgba[y * stride + x] = (value + predictor) & 0xff;
    }
  }
  return { width, height, rgba };
}

async function png(relative: string): Promise<Png> {
  return decodePng(await readFile(join(ASSETS, relative)));
}

describe('tray icons', () => {
  for (const level of QUOTA_LEVELS) {
    it(`has a ${level} icon in colour and as a macOS template, at 1x and 2x`, async () => {
      for (const [suffix, size] of [
        ['', 16],
        ['@2x', 32],
      ] as const) {
        for (const name of [`tray-${level}`, `tray-${level}Template`]) {
          const image = await png(join('tray', `${name}${suffix}.png`));
          expect([image.width, image.height], name).toEqual([size, size]);
          expect(
            image.rgba.some((_, i) => i % 4 === 3 && image.rgba[i]! > 0),
            `${name} is not empty`,
          ).toBe(true);
        }
      }
    });
  }

  it('draws macOS template images in black and alpha only', async () => {
    for (const level of QUOTA_LEVELS) {
      const { rgba } = await png(join('tray', `tray-${level}Template@2x.png`));
      const coloured = rgba.some((value, i) => i % 4 !== 3 && value !== 0);
      expect(coloured, level).toBe(false);
    }
  });

  it('tells the levels apart by shape, so template images carry the level too', async () => {
    const masks = await Promise.all(
      QUOTA_LEVELS.map(async (level) => (await png(join('tray', `tray-${level}Template.png`))).rgba.toString('hex')),
    );
    expect(new Set(masks).size).toBe(QUOTA_LEVELS.length);
  });
});

describe('app icons', () => {
  it('has a 1024 px app icon and the Linux icon set', async () => {
    expect((await png('icon.png')).width).toBe(1024);
    const names = (await readdir(join(ASSETS, 'icons'))).sort();
    expect(names).toEqual(['128x128.png', '16x16.png', '256x256.png', '32x32.png', '48x48.png', '512x512.png', '64x64.png']);
    for (const name of names) {
      const size = Number(name.split('x')[0]);
      expect((await png(join('icons', name))).height).toBe(size);
    }
  });
});

describe('icon script', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'ccmax-icons-'));
  });
  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('regenerates exactly the committed icons', async () => {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, [join(ROOT, 'scripts', 'make-icons.mjs'), '--out', out], { stdio: 'ignore' });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`make-icons exited ${code}`))));
    });
    const generated = (await readdir(out, { recursive: true })).filter((name) => name.endsWith('.png'));
    expect(generated).toHaveLength(24);
    for (const relative of generated) {
      expect((await readFile(join(out, relative))).equals(await readFile(join(ASSETS, relative))), relative).toBe(true);
    }
  });
});
