/**
 * How a container's process joins its pod's cgroup before it runs anything: a shell writes
 * its own pid to the pod's cgroup.procs, then execs the command (same pid, so the program
 * and all it starts are the pod's from their first instruction). Joining after spawn
 * instead would race: a program that connects at once (`curl` as the container's command)
 * could open its connection as the node. If the cgroup is gone the shell fails and the
 * command never runs: a pod's process never runs outside its pod.
 */
export function joiningCgroup(argv: readonly string[], cgroupProcs: string): string[] {
  return ['/bin/sh', '-c', 'echo $$ > "$0" && exec "$@"', cgroupProcs, ...argv];
}
