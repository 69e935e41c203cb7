// A token is checked at the handshake; this keeps it checked while its sockets
// stay open. Each instance remembers the studio tokens of its connected sockets
// and, once a second, asks the database which of them are still valid (one
// query for all of them, none when no studio token is connected): a socket
// whose token was revoked, deleted or has expired is ended. Polling rather
// than a notice on revocation, so a missed message can never leave one open.

/** How often the connected tokens are checked: a revocation ends their sockets within about this. */
export const TOKEN_CHECK_EVERY_MS = 1000;

export type TokenEndReason = 'revoked' | 'expired';

/** Which of these token ids are still valid at `now`. */
export type ActiveTokens = (tokenIds: string[], now: Date) => Promise<Set<string>>;

type End = (reason: TokenEndReason) => void;

interface Watched {
  /** Epoch ms; null for a token without an expiry. */
  expiresAt: number | null;
  ends: Set<End>;
}

export class TokenWatch {
  private readonly tokens = new Map<string, Watched>();
  private timer: NodeJS.Timeout | null = null;
  private checking = false;
  private failing = false;

  constructor(
    private readonly activeTokens: ActiveTokens,
    /** Told once per outage: while the database cannot answer, open sockets stay (expiry still ends them). */
    private readonly onCheckFailed: (error: unknown) => void,
    private readonly everyMs = TOKEN_CHECK_EVERY_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Calls `end` when the token stops being valid; the returned function forgets it (on disconnect). */
  watch(tokenId: string, expiresAt: number | null, end: End): () => void {
    let watched = this.tokens.get(tokenId);
    if (watched === undefined) {
      watched = { expiresAt, ends: new Set() };
      this.tokens.set(tokenId, watched);
    }
    const ends = watched.ends;
    ends.add(end);
    return () => {
      ends.delete(end);
      if (ends.size === 0 && this.tokens.get(tokenId)?.ends === ends) this.tokens.delete(tokenId);
    };
  }

  start(): void {
    this.timer ??= setInterval(() => void this.check(), this.everyMs);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** One round: expired tokens from what we know, revoked ones from the database. */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const now = this.now();
      for (const [tokenId, watched] of this.tokens) {
        if (watched.expiresAt !== null && watched.expiresAt <= now) this.end(tokenId, 'expired');
      }
      // Only the tokens asked about: one that connects while the query runs is not in its answer.
      const asked = [...this.tokens.keys()];
      if (asked.length === 0) return;
      const active = await this.activeTokens(asked, new Date(now));
      this.failing = false;
      for (const tokenId of asked) if (!active.has(tokenId)) this.end(tokenId, 'revoked');
    } catch (error) {
      if (!this.failing) this.onCheckFailed(error);
      this.failing = true;
    } finally {
      this.checking = false;
    }
  }

  private end(tokenId: string, reason: TokenEndReason): void {
    const watched = this.tokens.get(tokenId);
    this.tokens.delete(tokenId);
    for (const end of watched?.ends ?? []) end(reason);
  }
}
