/** The product version, injected by the build (esbuild `define`); `dev` when run from sources. */
declare const __CCMAX_VERSION__: string | undefined;

export const PRODUCT_VERSION: string = typeof __CCMAX_VERSION__ === 'string' ? __CCMAX_VERSION__ : '0.1.0-dev';

/** The honest User-Agent sent to Anthropic (CLAUDE-CODE.md asks tools to identify themselves). */
export const USER_AGENT = `ccmax-monitor/${PRODUCT_VERSION}`;
