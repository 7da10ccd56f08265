import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";

/**
 * A tiny `sh` that blocks on a pipe from us; the kernel closes the pipe when this process dies
 * for any reason (even SIGKILL), so `read` returns and the guardian sends SIGTERM to what it
 * guards: a pid, or with `group` the whole process group (`next start` and its workers), and
 * SIGKILL 10 s later if it is still there (a wedged server ignores SIGTERM). Without
 * it a killed launcher leaves servers holding the stack's ports, and the next `npm start` fails.
 * Kill the returned guardian (SIGKILL) on a clean stop.
 */
export function spawnGuardian(pid: number, opts: { group?: boolean } = {}): ChildProcess | undefined {
  const target = opts.group ? `-${pid}` : String(pid);
  try {
    const guardian = spawn(
      "/bin/sh",
      ["-c", 'read -r _ignored; kill -TERM "$1" 2>/dev/null && sleep 10 && kill -KILL "$1" 2>/dev/null', "stack-guardian", target],
      {
        stdio: ["pipe", "ignore", "ignore"],
      },
    );
    guardian.on("error", () => undefined); // best effort: the exit hooks still cover normal exits
    guardian.unref();
    if (guardian.stdin instanceof net.Socket) guardian.stdin.unref();
    return guardian;
  } catch {
    return undefined;
  }
}
