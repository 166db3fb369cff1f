import { Svcm } from '@nats-io/services';
import type { NatsConnection } from '@nats-io/transport-node';
import { ENDPOINTS, serviceSubject, type Reply } from '@fivestar/contracts';
import { ZodError, type z } from 'zod';
import type { Logger } from './logger';

type Endpoints = typeof ENDPOINTS;
export type ServiceWithEndpoints = keyof Endpoints;
type Service = ServiceWithEndpoints;
export type EndpointName<S extends Service> = keyof Endpoints[S] & string;
type Def<S extends Service, E extends EndpointName<S>> = Endpoints[S][E] extends {
  request: infer Q extends z.ZodType;
  result: infer R extends z.ZodType;
}
  ? { request: Q; result: R }
  : never;
export type RequestOf<S extends Service, E extends EndpointName<S>> = z.input<Def<S, E>['request']>;
export type ParsedRequestOf<S extends Service, E extends EndpointName<S>> = z.output<Def<S, E>['request']>;
export type ResultOf<S extends Service, E extends EndpointName<S>> = z.output<Def<S, E>['result']>;

export type Handlers<S extends Service> = {
  [E in EndpointName<S>]: (req: ParsedRequestOf<S, E>) => Promise<ResultOf<S, E>>;
};

/** Error a handler throws to answer with a specific code (anything else answers `internal`). */
export class RequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Serves a service's request/reply endpoints on `fivestar.svc.<service>.<endpoint>` through the NATS
 * services API (discovery, ping and per-endpoint stats come with it).
 */
export async function serveEndpoints<S extends Service>(
  nc: NatsConnection,
  service: S,
  handlers: Handlers<S>,
  log: Logger,
): Promise<{ stop(): Promise<void> }> {
  // @nats-io/services pins an older nats-core; the connection is the same at run time.
  const svc = await new Svcm(nc as unknown as ConstructorParameters<typeof Svcm>[0]).add({
    name: `fivestar-${service}`,
    version: '0.1.0',
    queue: `fivestar-${service}`,
  });
  for (const endpoint of Object.keys(handlers) as EndpointName<S>[]) {
    const def = ENDPOINTS[service][endpoint] as unknown as { request: z.ZodType };
    const handler = handlers[endpoint] as (req: unknown) => Promise<unknown>;
    svc.addEndpoint(endpoint, {
      subject: serviceSubject(service, endpoint),
      handler: (err, msg) => {
        if (err) {
          log.error({ err, endpoint }, 'endpoint subscription error');
          return;
        }
        void (async () => {
          let reply: Reply<unknown>;
          try {
            reply = { ok: true, result: await handler(def.request.parse(msg.json())) };
          } catch (e) {
            reply = { ok: false, error: toError(e) };
            if (reply.error.code === 'internal') log.error({ err: e, endpoint }, 'endpoint failed');
          }
          msg.respond(JSON.stringify(reply));
        })();
      },
    });
  }
  // Make sure the server has the subscriptions before callers are told the service is up.
  await nc.flush();
  return { stop: () => svc.stop().then(() => undefined) };
}

function toError(e: unknown): { code: string; message: string } {
  if (e instanceof ZodError) return { code: 'invalid', message: JSON.stringify(e.issues) };
  if (e instanceof RequestError) return { code: e.code, message: e.message };
  return { code: 'internal', message: 'internal error' };
}

/** Calls an endpoint and returns its result, or throws RequestError with the service's code. */
export async function callEndpoint<S extends Service, E extends EndpointName<S>>(
  nc: NatsConnection,
  service: S,
  endpoint: E,
  request: RequestOf<S, E>,
  timeoutMs = 5000,
): Promise<ResultOf<S, E>> {
  const msg = await nc.request(serviceSubject(service, endpoint), JSON.stringify(request), {
    timeout: timeoutMs,
  });
  const reply = msg.json<Reply<ResultOf<S, E>>>();
  if (!reply.ok) throw new RequestError(reply.error.code, reply.error.message);
  return reply.result;
}
