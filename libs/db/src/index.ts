export * from './client.js';
export type {
  Studio,
  Member,
  Device,
  Gateway,
  ApiToken,
  Session,
  Participant,
  HrSample,
  ProjectionCheckpoint,
  ProjectionFailure,
} from './generated/client.js';
export * from './errors.js';
export * from './rows.js';
