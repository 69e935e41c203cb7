// The web app on the API's own port: one origin serves pages and REST, so a page
// needs no CORS and its REST calls carry its token as any client's do. The pages
// need no token to load: the token is in the URL's fragment, which the browser
// never sends, and every call the page then makes is authenticated.
import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { PublicConfig } from '#contracts';
import { Route } from '../http/route.js';
import { WEB } from '../injection.js';
import { WebApp, contentSecurityPolicy, pagePaths } from './web-app.js';
import { webRoutes as routes } from './web.routes.js';

export interface WebSettings {
  app: WebApp;
  /** `HRM_PUBLIC_REALTIME_URL`; when absent, the page's own host with `realtimePort`. */
  realtimeUrl: string | undefined;
  realtimePort: number;
}

@Controller()
export class WebController {
  constructor(@Inject(WEB) private readonly web: WebSettings) {}

  @Get('api/v1/config')
  @Route(routes.config)
  config(@Req() request: Request): PublicConfig {
    return { realtimeUrl: this.realtimeUrlFor(request) };
  }

  @Get([...pagePaths])
  page(@Req() request: Request, @Res() response: Response): void {
    const html = this.web.app.page();
    response.setHeader('Cache-Control', 'no-cache');
    response.setHeader('Referrer-Policy', 'no-referrer');
    response.setHeader('X-Content-Type-Options', 'nosniff');
    if (html === null) {
      response
        .status(503)
        .type('text/plain')
        .send('The web app is not built: run `npm run build` (it builds dist/web).\n');
      return;
    }
    response.setHeader('Content-Security-Policy', contentSecurityPolicy(this.realtimeUrlFor(request)));
    response.type('html').send(html);
  }

  private realtimeUrlFor(request: Request): string {
    return (
      this.web.realtimeUrl ?? realtimeUrlBeside(request.protocol, request.hostname, this.web.realtimePort)
    );
  }
}

/** The realtime service on the host a page was loaded from: the layout of `npm start` and compose. */
export function realtimeUrlBeside(protocol: string, hostname: string, port: number): string {
  const host = hostname.includes(':') ? `[${hostname}]` : hostname;
  return `${protocol}://${host}:${port}`;
}
