import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/**
 * OpenAPI 3.1 built from the route schemas. The collector goes first, so it sees every route
 * (the provider webhooks are registered before the browser-facing plugins; see app.ts).
 */
export async function registerOpenApiCollector(app: FastifyInstance, publicUrl: string) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'MessageSender API',
        version: '1',
        description: 'Cold email and Facebook Messenger outreach. Authenticate with `Authorization: Bearer ms_…` (an API key) or, from the web app, session cookies plus an `x-csrf-token` header on mutations. Errors are RFC 9457 problem+json.',
      },
      servers: [{ url: publicUrl }],
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'Workspace API key (ms_…)' },
          session: { type: 'apiKey', in: 'cookie', name: 'ms_access' },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
  });
}

/** /docs renders the document; /api/v1/openapi.json serves it. */
export async function registerOpenApiRoutes(app: FastifyInstance) {
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/api/v1/openapi.json', { schema: { hide: true }, config: { access: 'public' } }, async () => app.swagger());
}
