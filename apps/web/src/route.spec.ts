import { describe, expect, it } from '@jest/globals';
import { pagePath, routeOf } from './route.js';

describe('the page paths and the token in the fragment', () => {
  it('reads each page, its id and the token', () => {
    expect(routeOf('/screen/s_abc', '#token=hrm_d_x%2By')).toEqual({
      page: 'screen',
      id: 's_abc',
      token: 'hrm_d_x+y',
    });
    expect(routeOf('/studio/st_1/', '#token=t')).toEqual({ page: 'studio', id: 'st_1', token: 't' });
    expect(routeOf('/coach/s_1', '')).toEqual({ page: 'coach', id: 's_1', token: null });
    expect(routeOf('/report/s_1', '#token=')).toEqual({ page: 'report', id: 's_1', token: null });
  });

  it('knows no other path, and no id that is not one', () => {
    expect(routeOf('/', '')).toBeNull();
    expect(routeOf('/screens/s_1', '')).toBeNull();
    expect(routeOf('/screen/a.b', '')).toBeNull();
    expect(routeOf('/screen/s_1/extra', '')).toBeNull();
  });

  it('builds the link a banner prints', () => {
    expect(pagePath('screen', 's_1', 'a b')).toBe('/screen/s_1#token=a%20b');
    expect(routeOf('/screen/s_1', '#token=a%20b')?.token).toBe('a b');
  });
});
