export type { BusFault, BusFaultMode } from './faults.ts';
export type { BusEnvelope } from './put-events.ts';
export {
  type LocalEventBridge,
  type StartEventBridgeOptions,
  startEventBridge,
} from './start-eventbridge.ts';
