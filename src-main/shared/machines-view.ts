/** One machine as the hub shows it (dashboard, `status`, `machines list`): never a secret, fingerprints only. */
export interface MachineView {
  /** The agent's stable id (chosen by the agent, kept in its data dir). */
  readonly id: string;
  readonly host: string;
  readonly agentVersion: string;
  readonly connected: boolean;
  /** Now when connected; else when it was last heard from. Epoch ms. */
  readonly lastSeenMs: number;
  /** The login it confirmed holding: account, generation and the access token's fingerprint. */
  readonly held: { readonly accountId: string; readonly generation: number; readonly fingerprint: string } | null;
  /**
   * When the access token this machine last confirmed holding expires (epoch ms), also while it is
   * away: agents hold no refresh token, so past this its Claude Code cannot make requests until it
   * reaches the hub again (nothing is revoked). Null when unknown.
   */
  readonly heldExpiresAtMs: number | null;
  /** It did not confirm the current login within the bound. */
  readonly lagging: boolean;
  /** How long the current push has waited for its confirmation; 0 when none waits. */
  readonly lagMs: number;
  readonly revoked: boolean;
  /** The generation the hub assigns now for the account it holds; absent: unknown (then nothing reads "behind"). */
  readonly currentGeneration?: number;
  /** Demo mode's made-up machines: nothing real connected. */
  readonly demo?: boolean;
}
