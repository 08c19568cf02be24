import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ShellOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

export interface ShellResult {
  /** Exit status; null when the shell was killed by a signal. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A shell script running in the background, in a process group of its own. */
export interface BackgroundShell {
  readonly child: ChildProcess;
  /** Everything it printed so far, stdout and stderr together. */
  output(): string;
  readonly exited: Promise<number | null>;
}

/**
 * Runs a script with `sh -e` as a reader would paste it into a terminal, and kills its whole
 * process group (whatever the script started too) when it outlives `timeoutMs`.
 */
export function runShell(code: string, options: ShellOptions & { timeoutMs: number }): Promise<ShellResult> {
  const child = spawnShell(code, options);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += String(d);
  });
  child.stderr?.on('data', (d) => {
    stderr += String(d);
  });
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), options.timeoutMs);
  return new Promise((resolve) => {
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      resolve({ code: exitCode, stdout, stderr });
    });
  });
}

/** Starts a script (e.g. `npm start`) that keeps running; stop it with {@link stopGroup}. */
export function startShell(code: string, options: ShellOptions): BackgroundShell {
  const child = spawnShell(code, options);
  let output = '';
  const append = (d: unknown) => {
    output += String(d);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  return { child, output: () => output, exited };
}

/**
 * Sends `signal` to the shell's process group, as Ctrl-C does to a terminal's foreground job,
 * and waits up to `timeoutMs` for every process of the group to end. Whatever is left is then
 * killed, and returned so that the caller can fail on it. Resolves once the shell's output has
 * been read to its end.
 */
export async function stopGroup(shell: BackgroundShell, signal: NodeJS.Signals, timeoutMs: number) {
  const pgid = shell.child.pid;
  if (pgid === undefined) return [];
  killGroup(shell.child, signal);
  const deadline = Date.now() + timeoutMs;
  while (processesInGroup(pgid).length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  const left = processesInGroup(pgid);
  if (left.length > 0) killGroup(shell.child, 'SIGKILL');
  // The processes may be gone before their last output has been read from the pipes: wait for
  // the shell's streams to close, so that `output()` holds everything they printed.
  await Promise.race([
    shell.exited,
    new Promise((r) => setTimeout(r, Math.max(1000, deadline - Date.now()))),
  ]);
  return left;
}

/**
 * Live (not zombie) processes of a process group, read from /proc; where there is no /proc,
 * whether the group still answers a signal.
 */
export function processesInGroup(pgid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    try {
      process.kill(-pgid, 0);
      return [pgid];
    } catch {
      return [];
    }
  }
  return entries.map(Number).filter((pid) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // After the parenthesised command: state, ppid, pgrp, ...
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(pgrp) === pgid && state !== 'Z';
    } catch {
      return false; // ended while we looked
    }
  });
}

function spawnShell(code: string, options: ShellOptions): ChildProcess {
  return spawn('sh', ['-e', '-c', code], {
    cwd: options.cwd,
    env: options.env,
    detached: true, // its own process group, so that everything it starts can be stopped together
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone already
  }
}
