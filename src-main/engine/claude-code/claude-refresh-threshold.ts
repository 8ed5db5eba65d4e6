/**
 * When Claude Code refreshes its stored login itself: as soon as the access token expires within
 * 5 minutes. Read from the real CLI, `@anthropic-ai/claude-code` 2.1.331 (`bin/claude.exe`, the
 * bundled JS), where the check before every request is
 *   `function uE(e,n=Date.now()){if(e===null)return!1;return n+300000>=e}`
 * called with the stored `expiresAt` (`if(uE(te?.expiresAt??null))…`). Found with
 *   `grep -a -o 'function uE(.\{120\}' node_modules/@anthropic-ai/claude-code/bin/claude.exe`
 * (the minified name changes between versions; search for `+300000>=`).
 * A hub that wants no Claude Code anywhere to refresh must hand out a fresh token well before this.
 */
export const CLAUDE_CODE_REFRESH_THRESHOLD_MS = 300_000;
