export const LOGGER = Symbol('Logger');
export const TICK_MS = Symbol('TickMs');
