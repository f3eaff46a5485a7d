#!/usr/bin/env bash
# Installs, idempotently, the Debian packages the test suite drives for real.
# Safe to run on every `npm test`: it does nothing when everything is present.
set -euo pipefail
need=()
command -v kubectl >/dev/null || { echo "kubectl is required on PATH (the machine image provides 1.32)" >&2; exit 1; }
command -v openssl >/dev/null || need+=(openssl)
command -v curl >/dev/null || need+=(curl)
# The seed documents pipe the gateway preflight check through `column -t`.
command -v column >/dev/null || need+=(bsdextrautils)
command -v etcd >/dev/null || need+=(etcd-server)
command -v etcdctl >/dev/null || need+=(etcd-client)
# The mesh's telemetry tests scrape proxies with a real Prometheus; the benchmarks compare
# the gateway with nginx under wrk.
command -v prometheus >/dev/null || need+=(prometheus)
command -v nginx >/dev/null || need+=(nginx-light)
command -v wrk >/dev/null || need+=(wrk)
# NetworkPolicy enforcement programs the kernel's nftables (docs/network-policy.md).
command -v nft >/dev/null || need+=(nftables)
if ((${#need[@]})); then
  if [ "$(id -u)" != 0 ]; then echo "missing: ${need[*]} (run as root or install them)" >&2; exit 1; fi
  echo "installing ${need[*]} from Debian" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  # Debian's etcd-server package starts a system etcd on 2379; the tests start their own.
  if command -v systemctl >/dev/null 2>&1; then systemctl disable --now etcd >/dev/null 2>&1 || true; fi
  pkill -x etcd 2>/dev/null || true
  # Likewise Debian starts system prometheus, its node exporter and nginx; tests run their own.
  if command -v systemctl >/dev/null 2>&1; then
    systemctl disable --now prometheus prometheus-node-exporter nginx >/dev/null 2>&1 || true
  fi
  pkill -x prometheus 2>/dev/null || true
  pkill -f prometheus-node-exporter 2>/dev/null || true
  pkill -x nginx 2>/dev/null || true
fi
