/** Seeded randomness for the simulated fleet: the same seed always gives the same fleet and tokens. */

import type { Rng } from '../engine/index.js';

export { createRng } from '../engine/index.js';
export type { Rng } from '../engine/index.js';

const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A token in Claude Code's shape: `sk-ant-oat01-…` (access) or `sk-ant-ort01-…` (refresh). */
export function simulatedToken(kind: 'access' | 'refresh', rng: Rng): string {
  let body = '';
  for (let i = 0; i < 86; i++) body += TOKEN_ALPHABET[Math.floor(rng() * TOKEN_ALPHABET.length)];
  return `${kind === 'access' ? 'sk-ant-oat01-' : 'sk-ant-ort01-'}${body}`;
}

/** A version-4-shaped uuid drawn from the rng. */
export function simulatedUuid(rng: Rng): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(rng() * 16).toString(16));
  hex[12] = '4';
  hex[16] = (8 + Math.floor(rng() * 4)).toString(16);
  const s = hex.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
