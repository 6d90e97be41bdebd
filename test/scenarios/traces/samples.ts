/**
 * Small sample traces written for the tests, following each format exactly
 * (MSR Cambridge CSV as IOTTA publishes it; blkparse lines as blkparse_fmt.c's
 * process_default prints them, "%3d,%-3d %2d %8d %5d.%09lu %5u %2s %3s ").
 * The real MSR and blkparse traces are too big to ship as fixtures.
 */
import { fileURLToPath } from "node:url";

export const FIXTURES = fileURLToPath(new URL("../../../../shared/fixtures/traces/", import.meta.url));
export const TPCC = `${FIXTURES}mqsim-tpcc-small.trace`;
export const WSRCH = `${FIXTURES}mqsim-wsrch-small.trace`;
export const FIO_T0038 = `${FIXTURES}fio-t0038.iolog`;

/** First timestamp 128166372003061629 (FILETIME, 100 ns ticks); later ones at the tick offsets in the tests. Windows line ends, as the published files have. */
export const MSR_SAMPLE = [
  "128166372003061629,hm,0,Read,3221225472,4096,5166",
  "128166372003073752,hm,0,Write,1073152000,8192,1331",
  "128166372003221013,hm,1,Read,54763520,65536,15327",
  "128166372003221650,hm,1,Read,54829056,65536,14011",
  "128166372003363506,hm,0,Write,1073160192,4096,987",
  "128166372003517031,hm,0,Write,2147487744,16384,2210",
  "128166372003517039,hm,1,Write,9121792,512,803",
  "128166372004081964,hm,0,Read,3221229568,4096,4433",
  "128166372004564956,hm,1,Read,54894592,65536,12876",
  "128166372005061630,hm,0,Write,1073164288,4096,1052",
  "128166372005061630,hm,0,Read,40960,1536,9874",
  "128166372013061629,hm,1,Write,10737418240,4096,1190",
  "",
].join("\r\n");

/**
 * dd writing through a device-mapper volume (253,0) onto sda (8,0), a jbd2
 * flush and FUA commit, an fstrim, then blkparse's statistics. 253,0 is
 * bio-based, so it has only Q events; 8,0 has D events.
 */
export const BLKPARSE_SAMPLE = [
  "253,0    1        1     0.000000000  1021  Q   W 2048 + 8 [dd]",
  "  8,0    1        1     0.000002120  1021  A   W 4096 + 8 <- (253,0) 2048",
  "  8,0    1        2     0.000002512  1021  Q   W 4096 + 8 [dd]",
  "  8,0    1        3     0.000004860  1021  G   W 4096 + 8 [dd]",
  "  8,0    1        4     0.000005301  1021  P   N [dd]",
  "  8,0    1        5     0.000006004  1021  I   W 4096 + 8 [dd]",
  "  8,0    1        6     0.000007399  1021  U   N [dd] 1",
  "  8,0    1        7     0.000009137  1021  D   W 4096 + 8 [dd]",
  "  8,0    0        1     0.000210531     0  C   W 4096 + 8 [0]",
  "253,0    1        2     0.001000000  1021  Q  RA 8192 + 32 [dd]",
  "  8,0    1        8     0.001001200  1021  A  RA 10240 + 32 <- (253,0) 8192",
  "  8,0    1        9     0.001001500  1021  Q  RA 10240 + 32 [dd]",
  "  8,0    1       10     0.001003000  1021  D  RA 10240 + 32 [dd]",
  "  8,0    0        0     0.001003100     0  m   N cfq1021A / dispatch_insert",
  "  8,0    1       11     1.500000000   350  Q FWS [jbd2/dm-0-8]",
  "  8,0    1       12     1.500004000   211  D  FN [kworker/1:1H]",
  "  8,0    1       13     1.500100000   350  Q WFS 16384 + 8 [jbd2/dm-0-8]",
  "  8,0    1       14     1.500102000   211  D WFS 16384 + 8 [kworker/1:1H]",
  "  8,0    1       15     2.000000000  4410  Q  DS 20480 + 2048 [fstrim]",
  "  8,0    1       16     2.000001500  4410  D  DS 20480 + 2048 [fstrim]",
  "",
  "CPU0 (8,0):",
  " Reads Queued:           0,        0KiB\t Writes Queued:           0,        0KiB",
  " Read Dispatches:        0,        0KiB\t Write Dispatches:        0,        0KiB",
  "Total (8,0):",
  " Reads Queued:           1,       16KiB\t Writes Queued:           2,        8KiB",
  "",
  "Throughput (R/W): 8KiB/s / 4KiB/s",
  "Events (8,0): 18 entries",
  "Skips: 0 forward (0 -   0.0%)",
  "",
].join("\n");
