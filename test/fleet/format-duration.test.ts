import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../src-main/shared/format.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

describe('formatDuration', () => {
  it.each([
    [3 * D + 9 * H + 59 * M, '3d 9h'],
    [1 * D, '1d 0h'],
    [4 * H + 26 * M + 59 * S, '4h 26m'],
    [1 * H, '1h 0m'],
    [12 * M, '12m'],
    [59 * M + 59 * S, '59m'],
    [45 * S, '45s'],
    [999, '0s'],
    [0, '0s'],
    [-5 * M, '0s'],
    [Number.NaN, '0s'],
  ])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
