import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RequestMetrics, routeTagOf } from './request-metrics.ts';

describe('RequestMetrics', () => {
  it('counts requests and app requests with the revision labels, and keeps registries apart', async () => {
    const id = { namespace: 'default', service: '', configuration: 'hello', revision: 'hello-00001', pod: 'hello-00001-deployment-abc' };
    const m = new RequestMetrics(id);
    const other = new RequestMetrics(id);
    m.request(200, 12.7, 'DISABLED');
    m.request(503, 3, 'DISABLED');
    m.appRequest(200, 11);
    m.queueDepth(2);
    const text = await m.render();
    const base = 'namespace_name="default",service_name="unknown",configuration_name="hello",revision_name="hello-00001",pod_name="hello-00001-deployment-abc",container_name="queue-proxy"';
    assert.ok(text.includes(`revision_request_count{${base},response_code="200",response_code_class="2xx",route_tag="DISABLED"} 1`), text);
    assert.ok(text.includes(`revision_request_count{${base},response_code="503",response_code_class="5xx",route_tag="DISABLED"} 1`));
    assert.ok(text.includes(`revision_request_latencies_bucket{le="20",${base},response_code="200",response_code_class="2xx",route_tag="DISABLED"} 1`));
    assert.ok(text.includes(`revision_request_latencies_sum{${base},response_code="200",response_code_class="2xx",route_tag="DISABLED"} 12`));
    assert.ok(text.includes(`revision_app_request_count{${base},response_code="200",response_code_class="2xx"} 1`));
    assert.ok(text.includes(`revision_queue_depth{${base}} 2`));
    assert.doesNotMatch(await other.render(), /revision_request_count\{/);
  });

  it('names the route tag as upstream', () => {
    assert.equal(routeTagOf(undefined, undefined), 'DISABLED');
    assert.equal(routeTagOf(undefined, 'true'), 'DEFAULT');
    assert.equal(routeTagOf('blue', 'true'), 'UNDEFINED');
    assert.equal(routeTagOf('blue', 'false'), 'blue');
  });
});
