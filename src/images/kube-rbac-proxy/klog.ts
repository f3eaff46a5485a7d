/**
 * Log lines in klog's header format (`I1124 03:25:37.123456       1 kube-rbac-proxy.go:0] …`),
 * which is what kube-rbac-proxy writes to stderr; `--v` gates the verbose lines.
 */
export interface Klog {
  info(message: string): void;
  /** A line shown only at `--v=<level>` or more. */
  v(level: number, message: string): void;
  warning(message: string): void;
  error(message: string): void;
}

export function klogHeader(severity: 'I' | 'W' | 'E', now: Date): string {
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const micros = pad(now.getUTCMilliseconds() * 1000, 6);
  return `${severity}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())} ${pad(now.getUTCHours())}:${pad(now.getUTCMinutes())}:${pad(now.getUTCSeconds())}.${micros}       1 kube-rbac-proxy.go:0] `;
}

export function klog(write: (text: string) => void, verbosity: number, now: () => Date = () => new Date()): Klog {
  const line = (severity: 'I' | 'W' | 'E', message: string) => write(`${klogHeader(severity, now())}${message}\n`);
  return {
    info: (m) => line('I', m),
    v: (level, m) => {
      if (verbosity >= level) line('I', m);
    },
    warning: (m) => line('W', m),
    error: (m) => line('E', m),
  };
}
