// The one shape of an aggregate's rules (Dudycz's decider): `decide` turns a
// command, given the state and the instant, into events or a RuleError;
// `evolve` applies one recorded event; the state is a fold of the events from
// `initialState`. Pure: libs/eventstore's handleCommand loads, decides and appends.

/** An event as the log recorded it: what was decided, and when (stored envelopes are these). */
export type Recorded<Event> = Event & { occurredAt: number };

export interface Decider<State, Command, Event> {
  decide: (command: Command, state: State, now: number) => Event[];
  evolve: (state: State, event: Recorded<Event>) => State;
  initialState: State;
}

/** The state after these events, in log order, from the decider's initial state. */
export function foldWith<State, Event>(
  decider: Pick<Decider<State, unknown, Event>, 'evolve' | 'initialState'>,
  events: Iterable<Recorded<Event>>,
): State {
  let state = decider.initialState;
  for (const event of events) state = decider.evolve(state, event);
  return state;
}
