import { z } from 'zod';
import type { HostMount } from '../http-host';
import type { DurableHost, InstanceStatus, StatusOptions } from './durable-host';
import { DurableClientError } from './durable-host';
import type { InstanceQuery, RuntimeStatus } from './instance-store';
import { RUNTIME_STATUSES } from './instance-store';
import { isStoreUnavailable } from '../../shared/ports/repository.port';

/*
 * The Durable Functions HTTP API, as far as `df.getClient(context)` (durable-functions 3.5)
 * uses it: with `rpcBaseUrl` in the binding value every client call is an HTTP request to
 * `{rpcBaseUrl}orchestrators/…`, `instances/…`. The same routes serve the status URLs that
 * `createCheckStatusResponse` hands to callers, as `func start` does under
 * `/runtime/webhooks/durabletask`.
 */

export const DURABLE_WEBHOOK_PATH = '/runtime/webhooks/durabletask';

/** The value of a `durableClient` input binding (the library's OrchestrationClientInputData). */
export interface DurableClientBindingData {
  taskHubName: string;
  creationUrls: { createNewInstancePostUri: string; waitOnNewInstancePostUri: string };
  managementUrls: {
    id: string;
    statusQueryGetUri: string;
    sendEventPostUri: string;
    terminatePostUri: string;
    rewindPostUri: string;
    purgeHistoryDeleteUri: string;
    suspendPostUri: string;
    resumePostUri: string;
  };
  baseUrl: string;
  requiredQueryStringParameters: string;
  rpcBaseUrl: string;
}

const INSTANCE_PLACEHOLDER = 'INSTANCEID';

/** Binding data for a host reachable at `origin` (e.g. `http://127.0.0.1:7071`), with the extension's URL templates. */
export function durableClientBindingData(origin: string, taskHub: string): DurableClientBindingData {
  const base = `${origin.replace(/\/+$/, '')}${DURABLE_WEBHOOK_PATH}`;
  const qs = `taskHub=${encodeURIComponent(taskHub)}&connection=Storage`;
  const instance = `${base}/instances/${INSTANCE_PLACEHOLDER}`;
  return {
    taskHubName: taskHub,
    creationUrls: {
      createNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?${qs}`,
      waitOnNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${qs}`,
    },
    managementUrls: managementUrls(instance, qs),
    baseUrl: base,
    requiredQueryStringParameters: qs,
    rpcBaseUrl: `${base}/`,
  };
}

function managementUrls(instanceUrl: string, qs: string): DurableClientBindingData['managementUrls'] {
  return {
    id: INSTANCE_PLACEHOLDER,
    statusQueryGetUri: `${instanceUrl}?${qs}`,
    sendEventPostUri: `${instanceUrl}/raiseEvent/{eventName}?${qs}`,
    terminatePostUri: `${instanceUrl}/terminate?reason={text}&${qs}`,
    rewindPostUri: `${instanceUrl}/rewind?reason={text}&${qs}`,
    purgeHistoryDeleteUri: `${instanceUrl}?${qs}`,
    suspendPostUri: `${instanceUrl}/suspend?reason={text}&${qs}`,
    resumePostUri: `${instanceUrl}/resume?reason={text}&${qs}`,
  };
}

/** The management payload for one instance, as `POST orchestrators/…` answers it. */
export function managementPayload(origin: string, taskHub: string, instanceId: string): Record<string, string> {
  const urls = durableClientBindingData(origin, taskHub).managementUrls;
  const id = encodeURIComponent(instanceId);
  return Object.fromEntries(Object.entries(urls).map(([k, v]) => [k, k === 'id' ? instanceId : v.replace(INSTANCE_PLACEHOLDER, id)]));
}

type Reply = { status: number; headers?: Record<string, string>; json?: unknown };

const CODE_STATUS = { NOT_FOUND: 404, GONE: 410, CONFLICT: 409, BAD_REQUEST: 400 } as const;

const flag = (v: string | null): boolean | undefined => (v === null ? undefined : v.toLowerCase() === 'true');

const StatusList = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.enum(RUNTIME_STATUSES)));

function queryOf(url: URL): InstanceQuery {
  const q: InstanceQuery = {};
  const statuses = url.searchParams.get('runtimeStatus');
  if (statuses) {
    const parsed = StatusList.safeParse(statuses);
    if (!parsed.success)
      throw new DurableClientError('BAD_REQUEST', `runtimeStatus must be a comma-separated list of ${RUNTIME_STATUSES.join(', ')}.`);
    q.statuses = parsed.data as RuntimeStatus[];
  }
  for (const [key, target] of [
    ['createdTimeFrom', 'createdFrom'],
    ['createdTimeTo', 'createdTo'],
  ] as const) {
    const value = url.searchParams.get(key);
    if (value === null) continue;
    const ms = Date.parse(value);
    if (Number.isNaN(ms)) throw new DurableClientError('BAD_REQUEST', `${key} is not a date: ${value}`);
    q[target] = ms;
  }
  const prefix = url.searchParams.get('instanceIdPrefix');
  if (prefix) q.prefix = prefix;
  const top = url.searchParams.get('top');
  if (top !== null) {
    if (!/^\d+$/.test(top)) throw new DurableClientError('BAD_REQUEST', `top must be a whole number: ${top}`);
    q.limit = Number(top);
  }
  return q;
}

function statusOptions(url: URL): StatusOptions {
  return {
    showHistory: flag(url.searchParams.get('showHistory')),
    showHistoryOutput: flag(url.searchParams.get('showHistoryOutput')),
    showInput: flag(url.searchParams.get('showInput')),
  };
}

function bodyValue(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    throw new DurableClientError('BAD_REQUEST', 'The body is not JSON.');
  }
}

/** 202 while the instance runs, as the extension answers, so pollers keep polling. */
function statusReply(status: InstanceStatus, url: URL): Reply {
  const running =
    status.runtimeStatus === 'Pending' ||
    status.runtimeStatus === 'Running' ||
    status.runtimeStatus === 'ContinuedAsNew' ||
    status.runtimeStatus === 'Suspended';
  if (running) return { status: 202, headers: { location: url.href, 'retry-after': '10' }, json: status };
  const failedAs500 = status.runtimeStatus === 'Failed' && flag(url.searchParams.get('returnInternalServerErrorOnFailure')) === true;
  return { status: failedAs500 ? 500 : 200, json: status };
}

/** The Durable HTTP API over `host`, mounted at DURABLE_WEBHOOK_PATH of the local HTTP server. */
export function durableHttpApi(host: DurableHost): HostMount {
  const segmentsOf = (url: URL): string[] =>
    url.pathname
      .slice(DURABLE_WEBHOOK_PATH.length)
      .split('/')
      .filter((s) => s.length > 0)
      .map((s) => {
        try {
          return decodeURIComponent(s);
        } catch {
          throw new DurableClientError('BAD_REQUEST', `Malformed path segment: ${s}`);
        }
      });

  const route = (method: string, url: URL, body: Buffer): Reply => {
    const [resource, id, action, eventName, ...rest] = segmentsOf(url);
    const reason = url.searchParams.get('reason') ?? undefined;
    if (rest.length > 0) return notFound(url);

    if (resource === 'orchestrators' && id && !eventName) {
      if (method !== 'POST') return methodNotAllowed('POST');
      const instanceId = host.startNew(id, { instanceId: action, input: bodyValue(body) });
      const payload = managementPayload(url.origin, host.taskHub, instanceId);
      return { status: 202, headers: { location: payload.statusQueryGetUri!, 'retry-after': '10' }, json: payload };
    }

    if (resource === 'instances' && !id) {
      if (method === 'GET') return { status: 200, json: host.listInstances(queryOf(url), statusOptions(url)) };
      if (method === 'DELETE') {
        // Without runtimeStatus only finished instances go: purging a running one would strand its work.
        const q = queryOf(url);
        const deleted = host.purgeWhere({ ...q, statuses: q.statuses ?? ['Completed', 'Failed', 'Terminated'] });
        return deleted > 0
          ? { status: 200, json: { instancesDeleted: deleted } }
          : { status: 404, json: { message: 'No instances matched.' } };
      }
      return methodNotAllowed('GET, DELETE');
    }

    if (resource === 'instances' && id && !action) {
      if (method === 'GET') {
        const status = host.getStatus(id, statusOptions(url));
        return status ? statusReply(status, url) : { status: 404, json: { message: `No instance with ID '${id}' found.` } };
      }
      if (method === 'DELETE')
        return host.purge(id)
          ? { status: 200, json: { instancesDeleted: 1 } }
          : { status: 404, json: { message: `No instance with ID '${id}' found.` } };
      return methodNotAllowed('GET, DELETE');
    }

    if (resource === 'instances' && id && action) {
      if (method !== 'POST') return methodNotAllowed('POST');
      switch (action) {
        case 'raiseEvent':
          if (!eventName) return notFound(url);
          host.raiseEvent(id, eventName, bodyValue(body));
          return { status: 202 };
        case 'terminate':
          host.terminate(id, reason);
          return { status: 202 };
        case 'suspend':
          host.suspend(id, reason);
          return { status: 202 };
        case 'resume':
          host.resume(id, reason);
          return { status: 202 };
        case 'rewind': {
          const status = host.getStatus(id);
          if (!status) return { status: 404, json: { message: `No instance with ID '${id}' found.` } };
          return { status: 501, json: { message: 'Rewind is not supported by the local runtime.' } };
        }
        default:
          return notFound(url);
      }
    }

    if (resource === 'entities') {
      // readEntityState treats 404 as "no such entity"; signals fail loudly.
      return method === 'GET'
        ? { status: 404, json: { message: 'Durable entities are not supported by the local runtime.' } }
        : { status: 501, json: { message: 'Durable entities are not supported by the local runtime.' } };
    }
    return notFound(url);
  };

  return {
    path: DURABLE_WEBHOOK_PATH,
    handle: async ({ method, url, body }) => {
      try {
        return route(method, url, body);
      } catch (e) {
        if (e instanceof DurableClientError) {
          // Raising an event to, or terminating, a finished instance is 410 Gone, which the client accepts.
          return { status: CODE_STATUS[e.code], json: { message: e.message } };
        }
        // The store did not answer within its bounded wait (issue 13 item 9): the client may retry.
        if (isStoreUnavailable(e))
          return { status: 503, headers: { 'retry-after': String(e.retryAfterSeconds) }, json: { message: e.message } };
        throw e;
      }
    },
  };
}

function notFound(url: URL): Reply {
  return { status: 404, json: { message: `The Durable Functions API has nothing at ${url.pathname}.` } };
}

function methodNotAllowed(allow: string): Reply {
  return { status: 405, headers: { allow }, json: { message: `Allowed: ${allow}.` } };
}
