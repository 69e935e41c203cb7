// GET /: where a person who opens the API's address in a browser (or curl) goes
// next. No token. The screens add their links here once they are served.
import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { docsPath } from '../docs/docs.controller.js';

export const apiBase = '/api/v1';

export interface HomeLink {
  rel: string;
  href: string;
  title: string;
}

/** Where to go from `/`: the docs first, then the API and the service's own routes. */
export const homeLinks: readonly HomeLink[] = [
  { rel: 'docs', href: docsPath, title: 'The REST API: every route, who may call it (OpenAPI 3.1)' },
  { rel: 'openapi', href: `${docsPath}/openapi.json`, title: 'The OpenAPI document' },
  { rel: 'api', href: apiBase, title: 'The API base: every route needs Authorization: Bearer <token>' },
  { rel: 'health', href: '/healthz', title: 'Health of the API and what it depends on' },
  { rel: 'metrics', href: '/metrics', title: 'Prometheus metrics' },
];

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function homePage(links: readonly HomeLink[]): string {
  const items = links
    .map(
      (link) =>
        `<li><a href="${escapeHtml(link.href)}"><code>${escapeHtml(link.href)}</code></a>: ${escapeHtml(link.title)}</li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>HRM platform API</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}li{margin:4px 0}</style></head>
<body><h1>HRM platform API</h1>
<p>Start with the docs: <a href="${docsPath}">${docsPath}</a>.</p>
<ul>
${items}
</ul></body></html>
`;
}

@Controller()
export class HomeController {
  @Get()
  home(@Req() request: Request, @Res() response: Response): void {
    if (request.accepts(['html', 'json']) === 'json') {
      response.json({ name: 'HRM platform API', docs: docsPath, api: apiBase, links: homeLinks });
      return;
    }
    response.type('html').send(homePage(homeLinks));
  }
}
