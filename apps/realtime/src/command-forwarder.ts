// Hands timer and playback commands to the service that owns that state, over
// NATS request-reply, and turns its silence into `not-available`.
import { NoRespondersError, RequestError, TimeoutError, type NatsConnection } from '@nats-io/transport-node';
import { commandReply, type CommandActor, type CommandReply } from '#contracts';
import type { Principal } from '#platform';

export const COMMAND_TIMEOUT_MS = 3000;

export const actorOf = (principal: Principal): CommandActor =>
  principal.kind === 'admin'
    ? { kind: 'admin' }
    : { kind: 'studio', studioId: principal.studioId, role: principal.role, tokenId: principal.tokenId };

const notAvailable = (message: string): CommandReply => ({
  ok: false,
  error: { code: 'not-available', message },
});

export class CommandForwarder {
  constructor(
    private readonly nats: NatsConnection,
    private readonly timeoutMs = COMMAND_TIMEOUT_MS,
  ) {}

  /** The owner's reply, parsed; `not-available` when nobody answers in time or the answer is not a reply. */
  async forward(subject: string, forwarded: object): Promise<CommandReply> {
    let body: unknown;
    try {
      const reply = await this.nats.request(subject, JSON.stringify(forwarded), { timeout: this.timeoutMs });
      body = reply.json();
    } catch (error) {
      if (error instanceof RequestError && error.isNoResponders())
        return notAvailable('no service handles these commands right now');
      if (error instanceof NoRespondersError)
        return notAvailable('no service handles these commands right now');
      if (
        error instanceof TimeoutError ||
        (error instanceof RequestError && error.cause instanceof TimeoutError)
      )
        return notAvailable(`no answer within ${this.timeoutMs} ms`);
      if (error instanceof SyntaxError) return notAvailable('the owner answered something that is not JSON');
      return notAvailable(`the command could not be delivered: ${String(error)}`);
    }
    const parsed = commandReply.safeParse(body);
    return parsed.success ? parsed.data : notAvailable('the owner answered something that is not a reply');
  }
}
