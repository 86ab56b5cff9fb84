// The connector interface (docs/connectors.md): a connector subscribes to the command
// subjects of its target system, does the work there, and answers only with canonical
// events through the ingest pipeline — sync.requested (took it), then sync.succeeded plus
// the resulting business event, or sync.failed with the reason — each stamped with
// attributes.action_id so the verifier can close the loop.

export type { ActionCommand } from '../../lib/actions/create';

export interface ConnectorBehaviour {
  outcome: 'succeed' | 'fail';
  /** Time the target system takes before it answers. */
  delayMs: number;
  /** Failure: [error code, message]. */
  error?: [string, string];
}

/** Decides how the (simulated) target answers a command. */
export type BehaviourFn = (cmd: { action_id: string; kind: string; target: string; entity_key: string }) => ConnectorBehaviour;
