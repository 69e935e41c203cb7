import { entityId } from '#contracts';

/** The path of a class's routes; their declarations parse it and look the class up (route-input.ts). */
export const sessionPath = { sessionId: entityId };
