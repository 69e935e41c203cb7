// Hands timer and playback commands to the service that owns that state, over
// NATS request-reply with Nest's client (a `ClientProxy` speaking the contracts' JSON,
// libs/platform's requests.ts), and turns its silence into `not-available`.
import type { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';
import { commandReply, type CommandReply } from '#contracts';
import { NoResponders, RequestFailed } from '#platform';

export const COMMAND_TIMEOUT_MS = 3000;

const notAvailable = (message: string): CommandReply => ({
  ok: false,
  error: { code: 'not-available', message },
});

export class CommandForwarder {
  constructor(
    private readonly owners: Pick<ClientProxy, 'send'>,
    private readonly timeoutMs = COMMAND_TIMEOUT_MS,
  ) {}

  /** The owner's reply, parsed; `not-available` when nobody answers in time or the answer is not a reply. */
  async forward(subject: string, forwarded: object): Promise<CommandReply> {
    let body: unknown;
    try {
      body = await firstValueFrom(this.owners.send(subject, forwarded).pipe(timeout(this.timeoutMs)));
    } catch (error) {
      if (error instanceof TimeoutError) return notAvailable(`no answer within ${this.timeoutMs} ms`);
      if (error instanceof NoResponders) return notAvailable('no service handles these commands right now');
      if (error instanceof RequestFailed) return notAvailable(error.message);
      return notAvailable(`the command could not be delivered: ${String(error)}`);
    }
    const parsed = commandReply.safeParse(body);
    return parsed.success ? parsed.data : notAvailable('the owner answered something that is not a reply');
  }
}
