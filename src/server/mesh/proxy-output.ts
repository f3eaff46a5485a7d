/**
 * Where a proxy's `/dev/stdout` goes. Envoy runs in the pod's istio-proxy container, so its
 * access log (mesh config `accessLogFile: /dev/stdout`) is that container's log, which
 * `kubectl logs <pod> -c istio-proxy` shows. skiff's proxies run in its own process; this
 * hands their lines to the kubelet, which writes them into the istio-proxy container's log
 * as if the container had printed them. The kubelet starts after the data plane, so it is
 * plugged in later; until then, and for a pod whose container is not running here, lines
 * are dropped, as they would be with no container to print them.
 */
import { Writable } from 'node:stream';
import type { KubeObject } from '../../api/object.ts';
import { SIDECAR_CONTAINER_NAME } from '../../runtime/network/inner-address.ts';

/**
 * Writes whole lines to the stdout of a container of the pod with this uid; false (the lines
 * dropped) when it is not running here or its log has fallen behind.
 */
export type ContainerStdout = (pod: { namespace: string; name: string; uid: string }, container: string, text: string) => boolean;

export class ProxyOutput {
  #write: ContainerStdout | undefined;
  /** Lines no container log took: not running here, or behind. */
  dropped = 0;

  /** Plugs in the kubelet. */
  connect(write: ContainerStdout): void {
    this.#write = write;
  }

  /** The stdout of `pod`'s istio-proxy container, as a stream the access-log writer can use. */
  stdoutOf(pod: KubeObject): Writable {
    // By uid: a deleted pod's draining proxy must not write into a successor of its name.
    const ref = { namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' };
    return new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        if (this.#write?.(ref, SIDECAR_CONTAINER_NAME, chunk.toString('utf8')) !== true) this.dropped++;
        done();
      },
    });
  }
}
