// Nest's IoAdapter binds a gateway's message handlers to each socket as rxjs
// pipelines: per socket and per event an Observable, four operator
// subscribers and their closures, about 27 KiB per socket with our six events
// (measured: `npm run bench -- memory`). This adapter binds the same handlers
// with one listener function per event shared by every socket, and answers
// as Nest's does: the handler's result (value, promise or observable) goes
// to the client's ack, or is emitted when it names an `event`. (Nest's also
// drops an answer that comes after a disconnect; Socket.IO ignores a write
// to a closed connection anyway.)
import { Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { isObservable, type Observable } from 'rxjs';
import type { Socket } from 'socket.io';

type Listener = (this: Socket, ...args: unknown[]) => void;

/** Where a handler's failure goes: by default Nest's logger, which is the service's JSON log. */
export type HandlerFailure = (error: unknown, message: string) => void;

export class LeanIoAdapter extends IoAdapter {
  private readonly reportFailure: HandlerFailure;
  /** Each socket's handlers, as Nest bound them to it; gone with the socket. */
  private readonly handlersOf = new WeakMap<Socket, readonly MessageMappingProperties[]>();
  /** One listener per event name, for every socket. */
  private readonly listeners = new Map<string, Listener>();

  constructor(app?: ConstructorParameters<typeof IoAdapter>[0], reportFailure?: HandlerFailure) {
    super(app);
    const log = new Logger(LeanIoAdapter.name);
    this.reportFailure = reportFailure ?? ((error) => log.error(error));
  }

  override bindMessageHandlers(
    socket: Socket,
    handlers: MessageMappingProperties[],
    _transform: (data: unknown) => Observable<unknown>,
  ): void {
    this.handlersOf.set(socket, handlers);
    for (const { message } of handlers) socket.on(String(message), this.listenerFor(String(message)));
  }

  private listenerFor(message: string): Listener {
    const known = this.listeners.get(message);
    if (known) return known;
    const handlersOf = this.handlersOf;
    const handle = (socket: Socket, args: unknown[]) =>
      this.handle(socket, message, handlersOf.get(socket), args);
    const listener: Listener = function (...args) {
      handle(this, args);
    };
    this.listeners.set(message, listener);
    return listener;
  }

  private handle(
    socket: Socket,
    message: string,
    handlers: readonly MessageMappingProperties[] | undefined,
    args: unknown[],
  ): void {
    const handler = handlers?.find((candidate) => String(candidate.message) === message);
    if (!handler) return;
    // As rxjs's fromEvent hands it to Nest: the only argument, or all of them.
    const { data, ack } = this.mapPayload(args.length > 1 ? args : args[0]);
    const respond = (response: unknown) => this.respond(socket, handler, response, ack);
    const fail = (error: unknown) => this.reportFailure(error, message);
    try {
      const result: unknown = handler.callback(data, ack);
      if (isObservable(result)) result.subscribe({ next: respond, error: fail });
      else
        void Promise.resolve(result)
          .then((value: unknown) =>
            isObservable(value) ? value.subscribe({ next: respond, error: fail }) : respond(value),
          )
          .catch(fail);
    } catch (error) {
      fail(error);
    }
  }

  private respond(socket: Socket, handler: MessageMappingProperties, response: unknown, ack: unknown): void {
    if (response === null || response === undefined) return;
    if (
      typeof response === 'object' &&
      'event' in response &&
      typeof response.event === 'string' &&
      response.event
    ) {
      socket.emit(response.event, 'data' in response ? response.data : undefined);
      return;
    }
    if (!handler.isAckHandledManually && typeof ack === 'function') ack(response);
  }
}
