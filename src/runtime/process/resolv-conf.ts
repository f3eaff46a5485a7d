/**
 * A pod's own /etc/resolv.conf without a network namespace (loopback pod network, root):
 * the container starts in a private mount namespace where the pod's resolv.conf is bind-
 * mounted over /etc/resolv.conf, then execs the real command — the same pid, the rest of
 * the file system shared with the host. The kubelet writes a resolv.conf per pod (cluster
 * DNS, search path `<ns>.svc.cluster.local svc.cluster.local cluster.local`, ndots:5), and
 * this is how a host program sees it: `curl hello.default.svc.cluster.local` resolves.
 */

/**
 * The argv that runs `argv` with `resolvConf` mounted over /etc/resolv.conf. Give the
 * command as the container named it (`cat`, not `/usr/bin/cat`): the shell's `exec` looks it
 * up in the container's PATH and the program sees the name it was given as argv[0], so its
 * messages read as in Kubernetes (`cat: …`).
 */
export function withResolvConf(argv: readonly string[], resolvConf: string): string[] {
  return ['unshare', '--mount', '--propagation', 'private', '--', '/bin/sh', '-c', 'mount --bind "$0" /etc/resolv.conf && exec "$@"', resolvConf, ...argv];
}

/** The resolv.conf the kubelet writes for a pod with ClusterFirst DNS policy. */
export function podResolvConf(nameserver: string, namespace: string, clusterDomain: string): string {
  return `search ${namespace}.svc.${clusterDomain} svc.${clusterDomain} ${clusterDomain}\nnameserver ${nameserver}\noptions ndots:5\n`;
}
