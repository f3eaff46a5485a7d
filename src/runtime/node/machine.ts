/**
 * Facts about this machine for the Node object, read from the OS: CPUs, memory
 * (/proc/meminfo's MemAvailable), the data directory's file system, kernel, OS image
 * (/etc/os-release), machine id and boot id. Missing files give empty strings.
 */
import { readFileSync, statfsSync } from 'node:fs';
import { arch, availableParallelism, hostname, release, totalmem, freemem } from 'node:os';
import type { MachineFacts } from './node-object.ts';

function read(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

function availableMemory(): number {
  const m = /^MemAvailable:\s+(\d+) kB$/m.exec(read('/proc/meminfo'));
  return m ? Number(m[1]) * 1024 : freemem();
}

function osImage(): string {
  const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(read('/etc/os-release'));
  return m?.[1] ?? 'Linux';
}

export function machineFacts(dataDir: string): MachineFacts {
  let diskBytes = 0;
  let availableDiskBytes = 0;
  try {
    const fs = statfsSync(dataDir);
    diskBytes = fs.blocks * fs.bsize;
    availableDiskBytes = fs.bavail * fs.bsize;
  } catch {
    // no statfs: report no disk rather than guess
  }
  return {
    hostname: hostname(),
    cpus: availableParallelism(),
    memoryBytes: totalmem(),
    availableMemoryBytes: availableMemory(),
    diskBytes,
    availableDiskBytes,
    arch: arch(),
    kernelVersion: release(),
    osImage: osImage(),
    machineID: read('/etc/machine-id'),
    systemUUID: read('/sys/class/dmi/id/product_uuid').toLowerCase(),
    bootID: read('/proc/sys/kernel/random/boot_id'),
  };
}

/** The node's name: the host name when it is a valid DNS-1123 subdomain, else `skiff-node`. */
export function defaultNodeName(): string {
  const name = hostname().toLowerCase();
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name) && name.length <= 253 ? name : 'skiff-node';
}
