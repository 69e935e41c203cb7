// A gateway message names its studio in the subject; a studio that does not
// exist gets nothing recorded (no heart rate, no device status): dead letter.
import type { StudioStanding } from '#eventstore';

/** What ingest needs of the studio registry (StudioRegistry in production). */
export interface StudioCheck {
  standing(studioId: string): Promise<StudioStanding>;
}

/** The registry is still being filled by the API: the message is retried, never refused. */
export class StudioRegistryNotReady extends Error {
  override readonly name = 'StudioRegistryNotReady';
}

/** Null when the studio exists; the dead letter's reason when it does not. */
export async function unknownStudio(studios: StudioCheck, studioId: string): Promise<string | null> {
  const standing = await studios.standing(studioId);
  if (standing === 'known') return null;
  if (standing === 'not-ready') {
    throw new StudioRegistryNotReady(
      `studio ${studioId} not in the registry, which the API has not filled yet`,
    );
  }
  return `unknown-studio: no studio ${studioId}`;
}
