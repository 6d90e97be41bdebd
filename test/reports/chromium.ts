import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";

/**
 * A headless Chromium driven over the DevTools protocol with plain Node: no
 * npm package, no WebSocket. `--remote-debugging-pipe` makes Chromium read
 * commands from its fd 3 and write replies and events to its fd 4, each a
 * JSON message ended by a NUL byte.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export const chromiumInstalled = (): boolean => existsSync(CHROMIUM_PATH);

/** The flags of the issue, plus what keeps a test run quiet and offline: no first-run UI, no background fetches, no name lookups. */
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--no-default-browser-check",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-extensions",
  "--disable-dev-shm-usage",
  "--host-resolver-rules=MAP * ~NOTFOUND",
  "--remote-debugging-pipe",
];

export interface CdpEvent {
  readonly method: string;
  readonly params: Record<string, unknown>;
  readonly sessionId?: string;
}

interface Pending {
  readonly resolve: (result: Record<string, unknown>) => void;
  readonly reject: (error: Error) => void;
  readonly method: string;
}

export class Chromium {
  readonly events: CdpEvent[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly waiters: Array<{ readonly method: string; readonly resolve: (event: CdpEvent) => void }> = [];
  private nextId = 1;
  private buffer = Buffer.alloc(0);
  private stderr = "";

  private constructor(
    private readonly child: ChildProcess,
    private readonly userDataDir: string,
  ) {
    const input = child.stdio[4] as Readable;
    input.on("data", (chunk: Buffer) => this.receive(chunk));
    child.stderr?.on("data", (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString("utf8")).slice(-20_000)));
    child.on("exit", (code, signal) => {
      for (const pending of this.pending.values()) pending.reject(new Error(`chromium exited (${code ?? signal}) before answering ${pending.method}; its stderr:\n${this.stderr}`));
      this.pending.clear();
    });
  }

  /** Starts Chromium with a fresh profile, so no earlier state (cache, settings) changes what a test sees. */
  static launch(): Chromium {
    const userDataDir = mkdtempSync(join(tmpdir(), "cofwsim-chromium-"));
    const child = spawn(CHROMIUM_PATH, [...FLAGS, `--user-data-dir=${userDataDir}`, "about:blank"], { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] });
    return new Chromium(child, userDataDir);
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const message = JSON.stringify({ id, method, params, ...(sessionId === undefined ? {} : { sessionId }) });
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, method });
      (this.child.stdio[3] as Writable).write(`${message}\0`);
    });
  }

  /** The next event of this name: ask before doing what causes it. */
  waitFor(method: string): Promise<CdpEvent> {
    return new Promise((resolve) => this.waiters.push({ method, resolve }));
  }

  async close(): Promise<void> {
    const exited = new Promise<void>((resolve) => (this.child.exitCode !== null ? resolve() : this.child.once("exit", () => resolve())));
    try {
      await Promise.race([this.send("Browser.close"), exited]);
    } catch {
      // Chromium may exit before it answers Browser.close; the exit is what we wait for.
    }
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
    rmSync(this.userDataDir, { recursive: true, force: true });
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (let end = this.buffer.indexOf(0); end >= 0; end = this.buffer.indexOf(0)) {
      const message = JSON.parse(this.buffer.subarray(0, end).toString("utf8")) as {
        id?: number;
        result?: Record<string, unknown>;
        error?: { message: string };
        method?: string;
        params?: Record<string, unknown>;
        sessionId?: string;
      };
      this.buffer = this.buffer.subarray(end + 1);
      if (message.id !== undefined) {
        const pending = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error !== undefined) pending?.reject(new Error(`${pending.method}: ${message.error.message}`));
        else pending?.resolve(message.result ?? {});
      } else if (message.method !== undefined) {
        const event: CdpEvent = { method: message.method, params: message.params ?? {}, ...(message.sessionId === undefined ? {} : { sessionId: message.sessionId }) };
        this.events.push(event);
        const index = this.waiters.findIndex((waiter) => waiter.method === event.method);
        if (index >= 0) this.waiters.splice(index, 1)[0]?.resolve(event);
      }
    }
  }
}
