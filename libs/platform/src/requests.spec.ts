import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, MessagePattern, NatsContext, Payload } from '@nestjs/microservices';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import crypto from 'node:crypto';
import { firstValueFrom } from 'rxjs';
import { z } from 'zod';
import { testNatsUrl } from '#testing';
import { NatsRequestClient, NatsRequestServer, ParsedBy } from './requests.js';

const prefix = `requests-${crypto.randomBytes(4).toString('hex')}`;
const greeting = z.strictObject({ name: z.string().min(1) });

@Controller()
class Greeter {
  @MessagePattern(`${prefix}.greet.>`, { queue: 'greeters' })
  async greet(
    @Payload(new ParsedBy(greeting, 'invalid-greeting')) { name }: z.infer<typeof greeting>,
    @Ctx() context: NatsContext,
  ) {
    if (name === 'boom') throw new Error(`the greeter broke on ${name}`);
    return { ok: true, hello: name, subject: context.getSubject() };
  }
}

@Module({ controllers: [Greeter] })
class GreeterModule {}

describe("request-reply on Nest's NATS transport, with the contracts' JSON on the wire", () => {
  let nats: NatsConnection;
  let app: INestApplication;

  beforeAll(async () => {
    nats = await connect({ servers: testNatsUrl() });
    app = await NestFactory.create(GreeterModule, { logger: false });
    app.connectMicroservice({
      strategy: new NatsRequestServer(nats, { code: 'internal', message: 'internal error' }),
    });
    await app.startAllMicroservices();
    await app.init();
  });
  afterAll(async () => {
    await app.close();
    await nats.drain();
  });

  const ask = async (body: string, subject = `${prefix}.greet.studio-1`) =>
    (await nats.request(subject, body, { timeout: 3000 })).json();

  it('answers a request with the handler’s value as plain JSON, on the subject it came on', async () => {
    expect(await ask(JSON.stringify({ name: 'Ada' }))).toEqual({
      ok: true,
      hello: 'Ada',
      subject: `${prefix}.greet.studio-1`,
    });
  });

  it('refuses a request its contract rejects, and one that is not JSON, with the pipe’s code', async () => {
    expect(await ask(JSON.stringify({ name: '' }))).toEqual({
      ok: false,
      error: { code: 'invalid-greeting', message: expect.stringContaining('name') },
    });
    expect(await ask('{ not json')).toEqual({
      ok: false,
      error: { code: 'invalid-greeting', message: 'not JSON' },
    });
  });

  it('answers for a handler that throws with the owner’s own refusal, and tells the caller nothing more', async () => {
    const unexpected = { ok: false, error: { code: 'internal', message: 'internal error' } };
    expect(await ask(JSON.stringify({ name: 'boom' }))).toEqual(unexpected);
  });

  it('asks through a ClientProxy: the reply, and at once an error when nobody listens', async () => {
    const client = new NatsRequestClient(nats);
    try {
      const reply = await firstValueFrom(client.send(`${prefix}.greet.studio-2`, { name: 'Grace' }));
      expect(reply).toEqual({ ok: true, hello: 'Grace', subject: `${prefix}.greet.studio-2` });
      const started = Date.now();
      await expect(firstValueFrom(client.send(`${prefix}.nobody`, { name: 'Grace' }))).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await client.close();
    }
    // The service's connection is only lent: it still works after the client and serves on.
    expect(await ask(JSON.stringify({ name: 'Ada' }))).toMatchObject({ ok: true });
  });
});
