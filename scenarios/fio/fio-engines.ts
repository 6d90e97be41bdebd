/**
 * fio's I/O engines (HOWTO "I/O engine") sorted by what they mean for a
 * simulated job. The simulator issues I/O itself, so the engine is never
 * simulated; but it decides whether fio's `iodepth` means anything: "increasing
 * iodepth beyond 1 will not affect synchronous ioengines" (HOWTO "I/O depth").
 */

/** Engines that keep up to iodepth I/Os in flight. */
const QUEUEING = new Set(["libaio", "io_uring", "io_uring_cmd", "posixaio", "solarisaio", "windowsaio", "sg", "xnvme", "libblkio", "spdk", "nbd", "rbd"]);

/** Engines that wait for each I/O before issuing the next (fio's default, psync, is one). */
const SYNCHRONOUS = new Set(["sync", "psync", "vsync", "pvsync", "pvsync2", "mmap", "splice"]);

/** Engines that do something other than block reads and writes on one device. */
const NOT_BLOCK_IO: ReadonlyMap<string, string> = new Map([
  ["null", "transfers no data and completes every I/O at once"],
  ["net", "sends data over the network"],
  ["netsplice", "sends data over the network"],
  ["rdma", "transfers data over RDMA"],
  ["cpuio", "burns CPU and does no I/O"],
  ["falloc", "allocates file space instead of reading and writing"],
  ["ftruncate", "truncates a file instead of writing"],
  ["e4defrag", "defragments ext4 files instead of reading and writing"],
  ["filecreate", "creates files instead of reading and writing"],
  ["filestat", "stats files instead of reading and writing"],
  ["filedelete", "deletes files instead of reading and writing"],
  ["dircreate", "creates directories instead of reading and writing"],
  ["dirstat", "stats directories instead of reading and writing"],
  ["dirdelete", "deletes directories instead of reading and writing"],
  ["exec", "runs a program instead of doing I/O"],
  ["http", "reads and writes objects over HTTP"],
  ["nfs", "does I/O through an NFS client"],
  ["gfapi", "does I/O through GlusterFS"],
  ["gfapi_async", "does I/O through GlusterFS"],
  ["libhdfs", "does I/O through HDFS"],
  ["rados", "does I/O through Ceph RADOS objects"],
  ["mtd", "erases and programs an MTD flash device"],
  ["dev-dax", "uses loads and stores on persistent memory"],
  ["libpmem", "uses loads and stores on persistent memory"],
  ["libcufile", "moves data to GPU memory"],
  ["ime_psync", "does I/O through DDN's IME"],
  ["ime_psyncv", "does I/O through DDN's IME"],
  ["ime_aio", "does I/O through DDN's IME"],
]);

export type EngineKind = { readonly kind: "queueing" } | { readonly kind: "synchronous" } | { readonly kind: "not-block-io"; readonly why: string } | { readonly kind: "unknown" };

/** fio's default engine on every platform but Windows. */
export const FIO_DEFAULT_ENGINE = "psync";

export function classifyEngine(name: string): EngineKind {
  if (QUEUEING.has(name)) return { kind: "queueing" };
  if (SYNCHRONOUS.has(name)) return { kind: "synchronous" };
  const why = NOT_BLOCK_IO.get(name);
  if (why !== undefined) return { kind: "not-block-io", why };
  if (name.startsWith("external:")) return { kind: "not-block-io", why: "is an external engine whose behaviour the importer cannot know" };
  return { kind: "unknown" };
}

export const KNOWN_ENGINES: readonly string[] = [...QUEUEING, ...SYNCHRONOUS, ...NOT_BLOCK_IO.keys()].sort();
