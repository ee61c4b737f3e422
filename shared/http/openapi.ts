import { z } from 'zod';

/** What OpenAPI needs to know of one route; `functions/http/route.ts` collects them as routes register. */
export interface RouteDoc {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Route template without the `api/` prefix, e.g. `golives/{goLiveId}`. */
  route: string;
  summary: string;
  tag: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  params?: z.ZodObject;
  /** Success status → schema of the JSON body (or undefined for non-JSON). */
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
  idempotent?: boolean;
  /** The request body's media type in the description (default application/json), e.g. application/merge-patch+json. */
  bodyContentType?: string;
  /** Route-specific problem answers (status → description), besides the ones every route has. */
  problems?: Record<number, string>;
}

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') => {
  const s = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Record<string, unknown>;
  delete s.$schema;
  return s;
};

const PROBLEM = {
  type: 'object',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    code: { type: 'string' },
    errors: {
      type: 'array',
      items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};

/** An OpenAPI 3.1 document generated from the zod schemas the handlers validate with. */
export function buildOpenApi(routes: readonly RouteDoc[], info: { version: string; serverUrl?: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = `/api/${r.route}`;
    const pathParams = [...r.route.matchAll(/\{(\w+)\??(?::[^}]*)?\}/g)].map((m) => m[1]!);
    const paramShapes = r.params?.shape ?? {};
    const parameters: unknown[] = pathParams.map((name) => ({
      name,
      in: 'path',
      required: true,
      schema: paramShapes[name] ? jsonSchema(paramShapes[name] as z.ZodType, 'input') : { type: 'string' },
    }));
    for (const [name, schema] of Object.entries(r.query?.shape ?? {})) {
      const s = schema as z.ZodType;
      parameters.push({ name, in: 'query', required: !s.safeParse(undefined).success, schema: jsonSchema(s, 'input') });
    }
    if (r.idempotent)
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description:
          'Samma nyckel igen ger samma svar och lagrar inget två gånger. / The same key again gives the same answer and stores nothing twice.',
        schema: { type: 'string', maxLength: 200 },
      });
    parameters.push({ name: 'Accept-Language', in: 'header', required: false, schema: { type: 'string', example: 'sv, en' } });
    const responses: Record<string, unknown> = {};
    for (const [status, resp] of Object.entries(r.responses))
      responses[status] = {
        description: resp.description,
        ...(resp.schema || resp.contentType
          ? { content: { [resp.contentType ?? 'application/json']: resp.schema ? { schema: jsonSchema(resp.schema, 'output') } : {} } }
          : {}),
      };
    const problem = (description: string) => ({
      description,
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    });
    if (r.body || r.query || pathParams.length)
      responses['400'] = problem('Ogiltig indata, fälten namnges i `errors` / invalid input, fields named in `errors`');
    if (pathParams.length) responses['404'] = problem('Okänt id / unknown id');
    if (r.body) {
      responses['413'] = problem('Kroppen är större än 64 KiB / body over 64 KiB');
      responses['415'] = problem('Inte JSON / not JSON');
    }
    if (r.idempotent) responses['422'] = problem('Id eller Idempotency-Key återanvänd med annan kropp / key reused with another body');
    for (const [status, description] of Object.entries(r.problems ?? {})) responses[status] = problem(description);
    responses['503'] = problem('Lagringen tillfälligt otillgänglig, se Retry-After / storage unavailable, see Retry-After');
    paths[path] ??= {};
    paths[path][r.method.toLowerCase()] = {
      operationId: r.name,
      summary: r.summary,
      tags: [r.tag],
      parameters,
      ...(r.body
        ? {
            requestBody: {
              required: true,
              content: { [r.bodyContentType ?? 'application/json']: { schema: jsonSchema(r.body, 'input') } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Driftpuls API',
      version: info.version,
      description:
        'Status, schedules and escalation for the Cosmic go-live week. Texts for people are Swedish first; send `Accept-Language: en` for English.',
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    paths,
    components: { schemas: { Problem: PROBLEM } },
  };
}
