// GET /api/docs (an HTML index, or the JSON with `Accept: application/json`) and
// GET /api/docs/openapi.json. No token needed (auth.guard.ts lets /api/docs through).
import { Controller, Get, Inject, Injectable, Req, Res, type OnModuleInit } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ServedRoutes } from '../http/served-routes.js';
import { openApiDocument, type OpenApiDocument } from './openapi.js';

export const docsPath = '/api/docs';

/** Built once at startup from every controller Nest discovered, so no route can be left out. */
@Injectable()
export class OpenApi implements OnModuleInit {
  private built: OpenApiDocument | null = null;

  constructor(@Inject(ServedRoutes) private readonly served: ServedRoutes) {}

  onModuleInit(): void {
    // Startup never fails on a schema JSON Schema cannot express; the tests insist on 'throw'.
    this.built = openApiDocument(this.served.routes, { unrepresentable: 'any' });
  }

  get document(): OpenApiDocument {
    if (this.built === null) throw new Error('the OpenAPI document is built when the module starts');
    return this.built;
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function indexPage(document: OpenApiDocument): string {
  const rows = Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(
      ([method, operation]) =>
        `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escapeHtml(path)}</code></td>` +
        `<td>${escapeHtml(operation.summary)}</td><td>${escapeHtml(operation['x-access'])}</td></tr>`,
    ),
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(document.info.title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}td{padding:2px 12px 2px 0}</style></head>
<body><h1>${escapeHtml(document.info.title)}</h1>
<p>${escapeHtml(document.info.description)}</p>
<p>OpenAPI 3.1: <a href="${docsPath}/openapi.json">${docsPath}/openapi.json</a>
(or this URL with <code>Accept: application/json</code>). Every route needs
<code>Authorization: Bearer &lt;token&gt;</code>.</p>
<table><thead><tr><th>method</th><th>path</th><th>what</th><th>token</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></body></html>
`;
}

@Controller(docsPath)
export class DocsController {
  constructor(@Inject(OpenApi) private readonly openApi: OpenApi) {}

  @Get()
  index(@Req() request: Request, @Res() response: Response): void {
    if (request.accepts(['html', 'json']) === 'json') {
      response.json(this.openApi.document);
      return;
    }
    response.type('html').send(indexPage(this.openApi.document));
  }

  @Get('openapi.json')
  openApiJson(): OpenApiDocument {
    return this.openApi.document;
  }
}
