// CPU time spent per request, which a busy machine distorts far less than throughput: Node's own
// (process.cpuUsage) and PostgreSQL's, read from /proc for the postmaster's children (backends,
// parallel workers) plus the children it already reaped. Linux only; elsewhere PostgreSQL's is NaN.
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ: 100 on Linux

interface ProcStat {
  readonly ppid: number;
  readonly ticks: number;
  readonly childTicks: number;
}

function procStat(pid: number | string): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone, or not Linux
  }
  // Fields after "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]), childTicks: Number(f[13]) + Number(f[14]) };
}

/** Cumulative CPU milliseconds of the PostgreSQL server whose postmaster is `postmasterPid`. */
export function postgresCpuMs(postmasterPid: number | undefined): number {
  const postmaster = postmasterPid === undefined ? undefined : procStat(postmasterPid);
  if (!postmaster) return NaN;
  let ticks = postmaster.ticks + postmaster.childTicks;
  for (const entry of readdirSync('/proc')) {
    if (entry.charCodeAt(0) > 57) continue; // not a pid
    const stat = procStat(entry);
    if (stat !== undefined && stat.ppid === postmasterPid) ticks += stat.ticks;
  }
  return ticks * TICK_MS;
}

/** The postmaster of the server a backend belongs to (its parent process). */
export function postmasterOf(backendPid: number): number | undefined {
  return procStat(backendPid)?.ppid;
}

export function nodeCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}
