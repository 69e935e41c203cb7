// What a run watches besides its own load: the answers of a REST poller (any
// 5xx is a failure to report, with its route and status) and the processes of
// the stack (any exit that the run did not cause).
import type { TestStack } from '#testing';
import { sleep } from '#testing';

export interface ServerError {
  at: number;
  route: string;
  status: number;
  retryAfter: string | null;
}

export interface ProcessExit {
  at: number;
  name: string;
}

export interface Watch {
  requests(): number;
  serverErrors(): ServerError[];
  exits(): ProcessExit[];
  /** Exits of `name` are expected (the run killed it) until `allow(name, false)`. */
  allow(name: string, expected: boolean): void;
  stop(): Promise<void>;
}

export function watchStack(stack: TestStack, token: string, routes: readonly string[], pollMs = 250): Watch {
  let stopped = false;
  let requests = 0;
  const errors: ServerError[] = [];
  const exits: ProcessExit[] = [];
  const allowed = new Set<string>();
  const down = new Set<string>();
  const processes = (): Array<[string, boolean]> => [
    ...[...stack.services].map(([name, service]): [string, boolean] => [name, service.running]),
    ['nats-server', stack.nats.pid !== undefined],
  ];

  const poll = async () => {
    while (!stopped) {
      for (const route of routes) {
        try {
          const response = await fetch(`${stack.apiUrl}${route}`, {
            headers: { authorization: `Bearer ${token}` },
            signal: AbortSignal.timeout(5000),
          });
          await response.arrayBuffer();
          requests++;
          if (response.status >= 500)
            errors.push({
              at: Date.now(),
              route,
              status: response.status,
              retryAfter: response.headers.get('retry-after'),
            });
        } catch {
          // The API process itself not answering shows as an exit below.
        }
      }
      for (const [name, running] of processes()) {
        if (running) down.delete(name);
        else if (!down.has(name)) {
          down.add(name);
          if (!allowed.has(name)) exits.push({ at: Date.now(), name });
        }
      }
      await sleep(pollMs);
    }
  };
  const polling = poll();
  return {
    requests: () => requests,
    serverErrors: () => [...errors],
    exits: () => [...exits],
    allow(name, expected) {
      if (expected) allowed.add(name);
      else allowed.delete(name);
    },
    async stop() {
      stopped = true;
      await polling;
    },
  };
}
