// CPU milliseconds (user + system, every thread) a process spent so far, from /proc/<pid>/stat.
import { readFileSync } from 'node:fs';

const TICK_MS = 10; // USER_HZ: 100 on Linux

export function processCpuMs(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after "(comm)": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}
