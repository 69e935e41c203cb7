/** Nest injection keys (what `@Inject` names) for values created before Nest starts. */
export const DB = Symbol('Db');
export const LOGGER = Symbol('Logger');
export const NATS = Symbol('NatsConnection');
