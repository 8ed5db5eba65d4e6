/**
 * The tray app's "connect to a hub" mode: instead of running the fleet itself (engine, vault,
 * local server), this machine runs as an agent of a hub (host/agent-runner.ts: the hub connection
 * and the relay for this machine's hooks) and the tray shows only the agent's state
 * (`agent-tray-model.ts`). Chosen by `CCMAX_HUB_URL` (with `CCMAX_TOKEN`) or `--hub <url>` at start.
 * Everything Electron arrives through ports, so this is tested without Electron.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { Clock, Logger, TimerHandle } from '../engine/index.js';
import type { HeldLogin } from '../shared/machines-protocol.js';
import type { TrayPort } from './electron-ports.js';
import { agentTrayModel, hubDashboardUrl, type AgentModeStatus } from './tray/agent-tray-model.js';
import { createTrayController } from './tray/tray.js';

export interface HubConnectSettings {
  readonly hubUrl: string;
  readonly token: string;
}

/**
 * The hub to connect to: `--hub <url>` or `CCMAX_HUB_URL`, with `CCMAX_TOKEN`; null when neither
 * names a hub (the app runs the fleet itself). Throws when a hub is named without a token.
 */
export function hubConnectSettings(env: NodeJS.ProcessEnv, argv: readonly string[]): HubConnectSettings | null {
  const at = argv.indexOf('--hub');
  const hubUrl = (at >= 0 ? argv[at + 1] : undefined) ?? env.CCMAX_HUB_URL ?? '';
  if (hubUrl === '') return null;
  const token = env.CCMAX_TOKEN ?? '';
  if (token === '') throw new Error('Connecting to a hub needs its token: set CCMAX_TOKEN to the token the hub was started with.');
  return { hubUrl, token };
}

/** What agent mode needs of the running agent (host/agent-runner.ts's `AgentRunner`). */
export interface AgentModeRunner {
  readonly agent: { connected(): boolean };
  held(): HeldLogin | null;
  stop(): Promise<void>;
}

export interface AgentModeDeps<Image, MenuT> {
  readonly settings: HubConnectSettings;
  /** Starts the agent; `onFatal` when the hub refuses this machine for good. */
  readonly startRunner: (onFatal: (code: number, reason: string) => void) => Promise<AgentModeRunner>;
  readonly loadTrayImage: (iconName: string) => Image;
  readonly createTray: (image: Image) => TrayPort<Image, MenuT>;
  readonly buildMenu: (template: MenuItemConstructorOptions[]) => MenuT;
  readonly openExternal: (url: string) => Promise<void>;
  readonly quit: () => void;
  readonly platform: NodeJS.Platform;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How often the tray re-reads the agent's state; default 1 s. */
  readonly refreshEveryMs?: number;
}

export interface AgentMode {
  status(): AgentModeStatus;
  /** Stops the agent and removes the tray icon. Idempotent. */
  stop(): Promise<void>;
}

export async function startAgentMode<Image, MenuT>(deps: AgentModeDeps<Image, MenuT>): Promise<AgentMode> {
  const { settings, clock, logger } = deps;
  const refreshEveryMs = deps.refreshEveryMs ?? 1_000;
  let refused: string | null = null;
  let stopping: Promise<void> | null = null;
  let timer: TimerHandle | null = null;
  const runner = await deps.startRunner((code, reason) => {
    refused = `${reason} (${code})`;
    logger.error('the hub refused this machine', { code, reason });
    refresh();
  });
  const status = (): AgentModeStatus => ({
    hubUrl: settings.hubUrl,
    connected: refused === null && runner.agent.connected(),
    held: runner.held(),
    refused,
    nowMs: clock.now(),
  });
  const stop = async (): Promise<void> => {
    if (timer !== null) clock.clearTimeout(timer);
    tray.destroy();
    await runner.stop();
  };
  const tray = createTrayController(
    {
      loadImage: deps.loadTrayImage,
      createTray: deps.createTray,
      buildMenu: deps.buildMenu,
      platform: deps.platform,
      logger,
      onCommand: async (command) => {
        if (command.kind === 'quit') {
          await (stopping ??= stop());
          deps.quit();
        } else if (command.kind === 'open-dashboard') {
          const url = hubDashboardUrl(settings.hubUrl);
          if (url) await deps.openExternal(url);
        }
      },
    },
    agentTrayModel(status(), deps.platform),
  );
  function refresh(): void {
    if (stopping) return;
    tray.update(agentTrayModel(status(), deps.platform));
  }
  const tick = (): void => {
    refresh();
    if (!stopping) timer = clock.setTimeout(tick, refreshEveryMs);
  };
  timer = clock.setTimeout(tick, refreshEveryMs);
  return { status, stop: () => (stopping ??= stop()) };
}
