import { JsonPatchOperation } from './jsonPatch';

/**
 * The data of a `patch` event of the deploy board stream. The stream sends a `board` event (the
 * whole board) first, then `patch` events: RFC 6902 operations that turn the board of event `from`
 * into the board of this event (its id). A client whose last event is not `from` has missed one and
 * needs the whole board again: it reconnects without `Last-Event-ID`.
 *
 * Event ids are `<instance>.<revision>`: a random id of the backend instance, so that ids stay
 * unique across restarts and replicas, and the board's revision.
 *
 * @public
 */
export interface DeployBoardPatch {
  from: string;
  ops: JsonPatchOperation[];
}
