// Who is in the class, and changing it: add an athlete (new, or one of the
// studio's) with a strap, pair an unassigned strap by adding its wearer, and
// remove a participant. The athlete joins wearing the strap first, then the
// strap is paired with them for later classes: a strap another participant
// wears is refused by the class before any pairing moves.
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  devicePairing,
  member,
  memberList,
  participantAdded,
  type Member,
  type MetadataParticipant,
  type UnassignedDevice,
} from '#contracts';
import type { Api } from '../../api.js';
import type { Attempt, Load } from './attempts.js';
import { CommandButton } from './command-button.js';

const NEW_ATHLETE = '';
const NO_STRAP = '';
const OTHER_STRAP = '(other)';

interface RosterPanelProps {
  api: Api;
  studioId: string;
  sessionId: string;
  participants: readonly MetadataParticipant[];
  /** An ended class's roster is final: it is shown, not changed. */
  ended: boolean;
  unassigned: readonly UnassignedDevice[];
  attempt: Attempt;
  load: Load;
  running: string | null;
  /** Server time, for "seen 5 s ago". */
  clock: { now(): number };
}

const SEEN_TICK_MS = 5_000;

/** Server time now, again every few seconds, so "seen 5 s ago" moves on its own. */
function useNow(clock: { now(): number }): number {
  const [now, setNow] = useState(() => clock.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(clock.now()), SEEN_TICK_MS);
    return () => clearInterval(timer);
  }, [clock]);
  return now;
}

/** "12 s ago", "4 min ago". */
function agoText(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return seconds < 90 ? `${seconds} s ago` : `${Math.round(seconds / 60)} min ago`;
}

export function RosterPanel(props: RosterPanelProps) {
  const { api, studioId, sessionId, participants, ended, unassigned, attempt, load, running, clock } = props;
  const now = useNow(clock);
  const [members, setMembers] = useState<readonly Member[]>([]);
  const [athlete, setAthlete] = useState(NEW_ATHLETE);
  const [name, setName] = useState('');
  const [strap, setStrap] = useState(NO_STRAP);
  const [otherStrap, setOtherStrap] = useState('');
  const [removing, setRemoving] = useState<string | null>(null);
  const nameInput = useRef<HTMLInputElement>(null);
  const studioPath = `/studios/${encodeURIComponent(studioId)}`;
  const sessionPath = `/sessions/${encodeURIComponent(sessionId)}`;

  const loadMembers = () =>
    api.get(`${studioPath}/members`, memberList).then(({ members }) => setMembers(members));
  useEffect(() => {
    void load('Load athletes', loadMembers);
    // Once per studio: the list is loaded again after each athlete added here.
  }, [api, studioId]);

  const inClass = new Set(participants.map(({ memberId }) => memberId));
  const others = members.filter(({ id }) => !inClass.has(id));
  const deviceId = (strap === OTHER_STRAP ? otherStrap : strap).trim();

  /** A new athlete, chosen in the form at once: if pairing or joining is refused, trying again does not create them twice. */
  const createAthlete = async () => {
    const created = await api.send('POST', `${studioPath}/members`, member, { displayName: name.trim() });
    setMembers((known) => [...known, created]);
    setAthlete(created.id);
    return created.id;
  };

  const addAthlete = () =>
    attempt('Add athlete', async () => {
      const memberId = athlete !== NEW_ATHLETE ? athlete : await createAthlete();
      await api.send('POST', `${sessionPath}/participants`, participantAdded, {
        memberId,
        ...(deviceId && { deviceId }),
      });
      if (deviceId) {
        await api.send('PUT', `${studioPath}/devices/${encodeURIComponent(deviceId)}`, devicePairing, {
          memberId,
        });
      }
      setName('');
      setAthlete(NEW_ATHLETE);
      setStrap(NO_STRAP);
      setOtherStrap('');
      await loadMembers();
    });

  const pairStrap = (strapId: string) => {
    setStrap(strapId);
    nameInput.current?.focus();
  };

  const remove = (participant: MetadataParticipant) =>
    attempt(`Remove ${participant.displayName}`, async () => {
      await api.command(
        'DELETE',
        `${sessionPath}/participants/${encodeURIComponent(participant.participantId)}`,
      );
      setRemoving(null);
    });

  return (
    <section class="coach-panel roster-panel" aria-label="roster">
      {ended ? (
        <p class="hint">This class has ended: its roster is final.</p>
      ) : (
        <>
          <form
            class="add-athlete"
            aria-label="add an athlete"
            onSubmit={(event) => {
              event.preventDefault();
              void addAthlete();
            }}
          >
            <h2>Add an athlete</h2>
            <label class="field">
              <span class="field-label">Athlete</span>
              <select
                aria-label="Athlete"
                value={athlete}
                onChange={(event) => setAthlete(event.currentTarget.value)}
              >
                <option value={NEW_ATHLETE}>New athlete…</option>
                {others.map(({ id, displayName }) => (
                  <option key={id} value={id}>
                    {displayName}
                  </option>
                ))}
              </select>
            </label>
            {athlete === NEW_ATHLETE && (
              <label class="field">
                <span class="field-label">Name</span>
                <input
                  ref={nameInput}
                  type="text"
                  name="displayName"
                  required
                  maxLength={80}
                  autoComplete="off"
                  value={name}
                  onInput={(event) => setName(event.currentTarget.value)}
                />
              </label>
            )}
            <label class="field">
              <span class="field-label">Strap</span>
              <select
                aria-label="Strap"
                value={strap}
                onChange={(event) => setStrap(event.currentTarget.value)}
              >
                <option value={NO_STRAP}>No strap</option>
                {unassigned.map(({ deviceId: id }) => (
                  <option key={id} value={id}>
                    {id}
                  </option>
                ))}
                {strap !== NO_STRAP &&
                  strap !== OTHER_STRAP &&
                  !unassigned.some((entry) => entry.deviceId === strap) && (
                    <option value={strap}>{strap}</option>
                  )}
                <option value={OTHER_STRAP}>Another strap id…</option>
              </select>
            </label>
            {strap === OTHER_STRAP && (
              <label class="field">
                <span class="field-label">Strap id</span>
                <input
                  type="text"
                  name="deviceId"
                  required
                  maxLength={128}
                  autoComplete="off"
                  placeholder="ant:120:54321"
                  value={otherStrap}
                  onInput={(event) => setOtherStrap(event.currentTarget.value)}
                />
              </label>
            )}
            <button
              type="submit"
              class="command go"
              disabled={running === 'Add athlete'}
              aria-busy={running === 'Add athlete'}
            >
              Add to class
            </button>
          </form>

          <h2>Unassigned straps</h2>
          {unassigned.length === 0 ? (
            <p class="hint">Every strap the gateways hear is paired.</p>
          ) : (
            <ul class="strap-list" aria-label="unassigned straps">
              {unassigned.map(({ deviceId: id, status }) => (
                <li key={id} class="strap-row" data-device-id={id}>
                  <span class="strap-id">{id}</span>
                  <span class="strap-seen">
                    {agoText(now - status.lastSeen)}
                    {status.battery !== null && ` · ${status.battery}%`}
                  </span>
                  <button type="button" class="command small" onClick={() => pairStrap(id)}>
                    Pair
                  </button>
                </li>
              ))}
            </ul>
          )}
        </>
      )}

      <h2>In class ({participants.length})</h2>
      <ul class="participant-list" aria-label="participants">
        {participants.map((participant) => (
          <li
            key={participant.participantId}
            class="participant-row"
            data-participant-id={participant.participantId}
          >
            <span class="participant-name">{participant.displayName}</span>
            <span class="participant-strap">{participant.deviceId ?? 'no strap'}</span>
            {ended ? null : removing === participant.participantId ? (
              <>
                <CommandButton
                  label={`Remove ${participant.displayName}`}
                  class="danger small"
                  running={running}
                  onClick={() => void remove(participant)}
                />
                <button type="button" class="command secondary small" onClick={() => setRemoving(null)}>
                  Keep
                </button>
              </>
            ) : (
              <button
                type="button"
                class="command secondary small"
                aria-label={`Remove ${participant.displayName}…`}
                onClick={() => setRemoving(participant.participantId)}
              >
                Remove
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
