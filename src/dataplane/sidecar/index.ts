/**
 * The sidecar data plane's inbound side (shared plan item 2): a SidecarProxy per running
 * meshed pod, on its pod IP, delivering to the app's inner address.
 */
export { SidecarProxy, type SidecarProxyOptions, type SidecarPlan, type SidecarApplyResult } from './sidecar-proxy.ts';
export { DEFAULT_SIDECAR_TIMEOUTS, sidecarTimeouts, type SidecarTimeouts } from './timeouts.ts';
export { ListeningPortsWatcher, parseListeningPorts, type ListeningPortsWatcherOptions } from './listening-ports.ts';
export { planInboundPorts, PROXY_PORTS, type InboundPortPlan, type InboundPortMode, type PlanInput } from '../config/sidecar-ports.ts';
