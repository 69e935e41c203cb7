// Request-reply between our services on Nest's NATS transport (@nestjs/microservices): the
// owner of a state answers with `@MessagePattern` handlers, a caller asks with a `ClientProxy`.
// Two things differ from Nest's defaults, on purpose:
// - The wire carries the contract's JSON as it is (libs/contracts/src/commands.ts, spotify.ts),
//   not Nest's `{ pattern, data, id }` packet: the subject is the address, the request the
//   forwarded command, the reply the owner's answer; any NATS client (a test, `nats req`) speaks it.
// - Nest works on the service's own connection (`connectNats`: it reconnects for ever), rather
//   than opening another one; closing Nest's side ends only the subscriptions Nest made.
// Every request is parsed by its contract (`ParsedBy`); a request that does not parse, and a
// handler that throws, become the owner's error reply (`{ ok: false, error: { code, message } }`):
// a caller always gets an answer it can parse.
import type { PipeTransform } from '@nestjs/common';
import {
  ClientNats,
  RpcException,
  ServerNats,
  type ConsumerDeserializer,
  type ConsumerSerializer,
  type IncomingRequest,
  type IncomingResponse,
  type OutgoingResponse,
  type ProducerDeserializer,
  type ProducerSerializer,
  type ReadPacket,
} from '@nestjs/microservices';
import type { Msg, NatsConnection, Subscription, SubscriptionOptions } from '@nats-io/transport-node';
import { z } from 'zod';
import { commandError, describeIssues } from '#contracts';

/** An owner's refusal, as every reply on these subjects carries it. */
export interface ErrorReply {
  ok: false;
  error: { code: string; message: string };
}

const errorReply = (error: ErrorReply['error']): ErrorReply => ({ ok: false, error });

/** A request whose body is not JSON: the handler's pipe refuses it. */
class NotJson {}

function json(message: Msg): unknown {
  try {
    return message.json();
  } catch {
    return new NotJson();
  }
}

/**
 * The service's connection, lent to Nest: what Nest subscribes through it, it may close;
 * the connection itself stays the service's. Nest reads no status from it (the service logs
 * its connection's own): the status stream says nothing and ends when Nest closes.
 */
function lend(nats: NatsConnection) {
  const subscriptions = new Set<Subscription>();
  let end = () => {};
  const ended = new Promise<void>((resolve) => (end = resolve));
  return {
    subscribe(subject: string, options: SubscriptionOptions = {}): Subscription {
      const { callback } = options;
      // No one listens where a request went: NATS says so at once, with an empty 503 status.
      const subscription = nats.subscribe(subject, {
        ...options,
        callback:
          callback &&
          ((error, message) =>
            error === null && message.data.length === 0 && message.headers?.code === 503
              ? callback(new NoResponders(`no service answers on ${message.subject}`), message)
              : callback(error, message)),
      });
      subscriptions.add(subscription);
      void subscription.closed.then(() => subscriptions.delete(subscription));
      return subscription;
    },
    publish: (subject: string, data: string, options?: { reply?: string }) =>
      nats.publish(subject, data, options),
    status: async function* () {
      await ended;
      yield* [];
    },
    close: async () => {
      for (const subscription of subscriptions) subscription.unsubscribe();
      subscriptions.clear();
      end();
    },
  };
}

// The owner's side: the request is the contract's JSON, the reply the handler's value.
const requestAsContract: ConsumerDeserializer = {
  deserialize: (message: Msg, options?: Record<string, unknown>): IncomingRequest => ({
    pattern: options?.channel,
    data: json(message),
    id: typeof options?.replyTo === 'string' ? options.replyTo : '',
  }),
};
/**
 * The reply: the handler's value; a refusal (an `RpcException` with a code and a message, as
 * `ParsedBy` throws) as the owner's error reply; anything else (a handler that threw, which
 * Nest logs, or no handler for the subject) as `unexpected`.
 */
function replyAsContract(unexpected: ErrorReply['error']): ConsumerSerializer {
  return {
    serialize: (packet: OutgoingResponse) => {
      if (packet.err === undefined && packet.response !== undefined)
        return { data: JSON.stringify(packet.response) };
      const refused = commandError.safeParse(packet.err);
      return { data: JSON.stringify(errorReply(refused.success ? refused.data : unexpected)) };
    },
  };
}

/** Nest's NATS server on the service's connection, speaking the contracts' JSON. */
export class NatsRequestServer extends ServerNats {
  constructor(
    private readonly nats: NatsConnection,
    /** The reply to a request that failed unexpectedly (each owner has its own code for it). */
    unexpected: ErrorReply['error'],
  ) {
    super({ serializer: replyAsContract(unexpected), deserializer: requestAsContract });
  }

  override async createNatsClient() {
    return lend(this.nats);
  }
}

// The caller's side: the request goes as the contract's JSON, the reply comes back as it is.
const sendAsContract: ProducerSerializer = {
  serialize: (packet: ReadPacket) => ({ data: JSON.stringify(packet.data) }),
};
const receiveAsContract: ProducerDeserializer = {
  deserialize: (message: Msg): IncomingResponse => {
    const body = json(message);
    return body instanceof NotJson
      ? { id: '', err: new RequestFailed('the owner answered something that is not JSON'), isDisposed: true }
      : { id: '', response: body, isDisposed: true };
  },
};

/** Why a request got no answer a caller can read. */
export class RequestFailed extends Error {}

/** A request nobody listens to (no service runs that answers its subject). */
export class NoResponders extends RequestFailed {}

/**
 * Nest's NATS client on the service's connection, speaking the contracts' JSON. A request
 * nobody listens to fails at once (NATS answers "no responders": Nest sees an empty reply).
 */
export class NatsRequestClient extends ClientNats {
  constructor(private readonly nats: NatsConnection) {
    super({ serializer: sendAsContract, deserializer: receiveAsContract });
  }

  override async createClient() {
    return lend(this.nats);
  }
}

/**
 * `@Payload(new ParsedBy(schema, code))`: the request parsed by its contract, or a refusal
 * with `code` saying what is wrong with it.
 */
export class ParsedBy<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(
    private readonly schema: S,
    private readonly code: string,
  ) {}

  transform(value: unknown): z.output<S> {
    if (value instanceof NotJson) throw new RpcException({ code: this.code, message: 'not JSON' });
    const parsed = this.schema.safeParse(value);
    if (!parsed.success) throw new RpcException({ code: this.code, message: describeIssues(parsed.error) });
    return parsed.data;
  }
}
