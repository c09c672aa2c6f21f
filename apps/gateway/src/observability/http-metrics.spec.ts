import { routeLabel } from './http-metrics';

describe(routeLabel.name, () => {
  it('labels by the matched pattern, never the raw path', () => {
    expect(routeLabel({ method: 'GET', baseUrl: '', route: { path: '/api/containers/:id' } }, 200)).toBe('/api/containers/:id');
    expect(routeLabel({ method: 'GET', baseUrl: '/internal', route: { path: '/alerts/metrics' } }, 200)).toBe('/internal/alerts/metrics');
  });

  it('puts what no route answered in two series', () => {
    expect(routeLabel({ method: 'GET' }, 404)).toBe('unmatched');
    expect(routeLabel({ method: 'GET' }, 200)).toBe('static');
  });
});
