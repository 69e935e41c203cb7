export * from './client.js';
export type {
  Studio,
  Member,
  Device,
  ApiToken,
  Session,
  Participant,
  HrSample,
  ProjectionCheckpoint,
} from './generated/client.js';
export * from './errors.js';
