/** Passes the dashboard's {@link FleetState} down the component tree through Svelte context. */
import { getContext, setContext } from 'svelte';
import type { FleetState } from './fleet-state.svelte.js';

/** The context key; tests pass `new Map([[FLEET_KEY, fleet]])` as the render context. */
export const FLEET_KEY = Symbol('ccmax-fleet');

/** Makes `fleet` available to every component below the caller. */
export function provideFleet(fleet: FleetState): void {
  setContext(FLEET_KEY, fleet);
}

/** The FleetState of the surrounding dashboard; throws when rendered outside one. */
export function useFleet(): FleetState {
  const fleet = getContext<FleetState | undefined>(FLEET_KEY);
  if (!fleet) throw new Error('useFleet: no FleetState in context; render the component inside <App> or pass the FLEET_KEY context.');
  return fleet;
}
