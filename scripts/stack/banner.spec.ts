import { describe, expect, it } from '@jest/globals';
import { bannerLines, maskPassword, watchSnippet, type BannerInfo } from './banner.js';

const info: BannerInfo = {
  ports: { api: 3000, realtime: 3001, ingest: 3002, 'spotify-worker': 3003 },
  natsUrl: 'nats://127.0.0.1:14222',
  databaseUrl: 'postgresql://postgres:s3cret@127.0.0.1:15432/hrm',
  adminToken: 'hrm_admin_0123456789abcdef0123456789abcdef',
  adminTokenSource: 'generated',
  dataDir: '/srv/hrm/.data',
  startedInMs: 4321,
  demo: {
    studioId: 'st_1',
    sessionId: 's_1',
    gatewayId: 'demo-gateway',
    subject: 'hrm.v1.samples.st_1.demo-gateway',
    displayToken: 'hrm_display0123456789',
    coachToken: 'hrm_coach0123456789',
    reused: false,
  },
};

describe('banner', () => {
  it('masks the Postgres password', () => {
    expect(maskPassword(info.databaseUrl)).toBe('postgresql://postgres:****@127.0.0.1:15432/hrm');
    expect(maskPassword('postgresql://postgres@127.0.0.1:5432/hrm')).toBe(
      'postgresql://postgres@127.0.0.1:5432/hrm',
    );
    expect(maskPassword('not a url')).toBe('(unparsable URL)');
  });

  it('lists the URLs, the operator token, the demo and how to stop', () => {
    const text = bannerLines(info, false).join('\n');
    expect(text).toContain('http://localhost:3000/api/v1');
    expect(text).toContain('http://localhost:3001/live');
    expect(text).toContain('nats://127.0.0.1:14222');
    expect(text).not.toContain('s3cret');
    expect(text).toContain(info.adminToken);
    expect(text).toContain('s_1');
    expect(text).toContain('Ctrl-C');
  });

  it('lists every service with its port and health URL, and points to npm run status', () => {
    const lines = bannerLines(
      { ...info, ports: { api: 4000, realtime: 4001, ingest: 4002, 'spotify-worker': 4003 } },
      false,
    );
    const services = lines.filter((line) => /^ {2}\S+ +port \d+ +health /.test(line));
    expect(services).toEqual([
      '  api             port 4000  health http://localhost:4000/healthz',
      '  realtime        port 4001  health http://localhost:4001/healthz',
      '  ingest          port 4002  health http://localhost:4002/healthz',
      '  spotify-worker  port 4003  health http://localhost:4003/healthz',
    ]);
    expect(lines.join('\n')).toContain('npm run status');
  });

  it('links the demo class on the screen and the coach page, and the studio page, each with its token', () => {
    const lines = bannerLines(info, false);
    const value = (label: string) =>
      lines
        .find((line) => line.startsWith(`  ${label.padEnd(15)} `))
        ?.slice(18)
        .split('  ')[0];
    expect(value('Screen')).toBe('http://127.0.0.1:3000/screen/s_1#token=hrm_display0123456789');
    expect(value('Coach')).toBe('http://127.0.0.1:3000/coach/s_1#token=hrm_coach0123456789');
    expect(value('Studio')).toBe('http://127.0.0.1:3000/studio/st_1#token=hrm_display0123456789');
  });

  it("labels the demo's music as a fake Spotify, and says nothing of music without it", () => {
    const withMusic = bannerLines({ ...info, demoSpotifyUrl: 'http://127.0.0.1:4567' }, false).join('\n');
    expect(withMusic).toMatch(/Music +a FAKE Spotify for the demo at http:\/\/127\.0\.0\.1:4567/);
    expect(bannerLines(info, false).join('\n')).not.toContain('Music');
  });

  it("names each node of our NATS cluster with its URL, process and monitoring, and the streams' replicas", () => {
    const lines = bannerLines(
      {
        ...info,
        natsUrl: 'nats://127.0.0.1:14222,nats://127.0.0.1:14223,nats://127.0.0.1:14224',
        natsCredsDir: '/srv/hrm/.data/nats-auth/creds',
        natsNodes: [1, 2, 3].map((node) => ({
          name: `nats-${node}`,
          url: `nats://127.0.0.1:${14221 + node}`,
          pid: node === 2 ? undefined : 4000 + node,
          monitorUrl: `http://127.0.0.1:${18221 + node}`,
        })),
      },
      false,
    );
    expect(lines).toContain(
      '  NATS            nats://127.0.0.1:14222,nats://127.0.0.1:14223,nats://127.0.0.1:14224  ' +
        '(a 3-node JetStream cluster, streams with 3 replicas, credentials required)',
    );
    expect(lines.filter((line) => /^ {4}nats-\d/.test(line))).toEqual([
      '    nats-1        nats://127.0.0.1:14222  pid 4001  monitoring http://127.0.0.1:18222',
      '    nats-2        nats://127.0.0.1:14223  pid stopped  monitoring http://127.0.0.1:18223',
      '    nats-3        nats://127.0.0.1:14224  pid 4003  monitoring http://127.0.0.1:18224',
    ]);
    const single = bannerLines({ ...info, natsCredsDir: '/srv/hrm/.data/nats-auth/creds' }, false).join('\n');
    expect(single).not.toMatch(/cluster|nats-1/);
  });

  it('does not print a token the user gave in the environment', () => {
    const text = bannerLines({ ...info, adminTokenSource: 'environment', demo: null }, false).join('\n');
    expect(text).not.toContain(info.adminToken);
    expect(text).not.toContain('Demo');
  });

  it('gives a one-line socket.io-client snippet with the display token, not the operator token', () => {
    const snippet = watchSnippet(3001, 'hrm_display0123456789', 's_1');
    expect(snippet).not.toContain('\n');
    expect(snippet).toContain("io('http://localhost:3001/live',{auth:{token:'hrm_display0123456789'}})");
    expect(snippet).toContain("emit('session:subscribe',{sessionId:'s_1'}");
    expect(snippet).toContain("on('hrm:values'");
  });
});
