import { APP_VERSION } from '../../shared/version';
import { buildOpenApi } from '../../shared/http/openapi';
import { defineRoute, routeDocs } from './route';

let cached: string | undefined;

defineRoute(
  {
    name: 'openapi',
    method: 'GET',
    route: 'openapi.json',
    summary: 'Den här beskrivningen, genererad från zod-schemana / this description, generated from the zod schemas',
    tag: 'operations',
    responses: { 200: { description: 'OpenAPI 3.1', contentType: 'application/json' } },
  },
  async () => {
    // Built once: the routes are fixed after the app module has loaded.
    cached ??= JSON.stringify(buildOpenApi(routeDocs, { version: APP_VERSION }));
    return { status: 200, text: cached, contentType: 'application/json; charset=utf-8' };
  },
);
