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
  /** It did not confirm the current login within the bound. */
  readonly lagging: boolean;
  /** How long the current push has waited for its confirmation; 0 when none waits. */
  readonly lagMs: number;
  readonly revoked: boolean;
}
