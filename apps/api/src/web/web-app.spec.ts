import { describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { temporaryDirectory } from '#testing';
import { WebApp, contentSecurityPolicy } from './web-app.js';
import { realtimeUrlBeside } from './web.controller.js';

describe('the web app as the API serves it', () => {
  it('finds realtime beside the page: same host, the realtime port (IPv6 in brackets)', () => {
    expect(realtimeUrlBeside('http', 'localhost', 3001)).toBe('http://localhost:3001');
    expect(realtimeUrlBeside('https', 'gym.example', 8443)).toBe('https://gym.example:8443');
    expect(realtimeUrlBeside('http', '::1', 3001)).toBe('http://[::1]:3001');
  });

  it('lets a page connect to this origin and the realtime service only', () => {
    const policy = contentSecurityPolicy('https://live.gym.example:8443');
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("connect-src 'self' https://live.gym.example:8443 wss://live.gym.example:8443");
    expect(contentSecurityPolicy('http://127.0.0.1:3001')).toContain('ws://127.0.0.1:3001');
  });

  it('answers no page when the app was not built, and the built index.html once it is', () => {
    const dir = temporaryDirectory('hrm-web');
    const app = new WebApp(dir);
    expect(app.page()).toBeNull();
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>x</title>');
    expect(app.page()).toContain('<title>x</title>');
  });
});
