import type { Kernel } from "../../kernel.js";
import type { Rng } from "../../rng/streams.js";
import type { ServiceModel, ServiceRequest } from "../service-model.js";
import { FifoQueue } from "../../../io/fifo-queue.js";
import { formatBytesPerSec, formatNs, requireNonNegativeInteger, requirePositiveInteger, requirePositiveNumber, transferTimeNs } from "./options.js";

export interface FlashOptions {
  /** Independent buses to the flash packages; default 8. */
  readonly channels?: number;
  /** Dies sharing one channel; default 4. */
  readonly diesPerChannel?: number;
  /** Default 16384 (16 KiB, current TLC NAND). */
  readonly pageSizeBytes?: number;
  /** Array read into the die's page register (tR); default 50 us. */
  readonly pageReadNs?: number;
  /** Page program from the register into the array (tPROG); default 500 us. */
  readonly pageProgramNs?: number;
  /** Data rate of one channel; default 800 MB/s (ONFI 4 / Toggle 800 MT/s x8). */
  readonly channelBandwidthBytesPerSec?: number;
  /** A flush does not touch the dies (no cache here to write back); default 10 us. */
  readonly flushNs?: number;
}

interface PageOp {
  readonly op: "read" | "write";
  /** The part of the page the request covers: only that crosses the channel. */
  readonly transferBytes: number;
  readonly finished: () => void;
}

interface Die {
  readonly channel: Channel;
  readonly queue: FifoQueue<PageOp>;
  busy: boolean;
}

interface Transfer {
  readonly bytes: number;
  readonly finished: () => void;
}

interface Channel {
  readonly queue: FifoQueue<Transfer>;
  busy: boolean;
}

const MODEL = "flash model";

/**
 * A NAND flash array behind `channels` buses with `diesPerChannel` dies each.
 *
 * Mapping (page-interleaved, no FTL): page p = floor(offset / pageSizeBytes)
 * lives on die d = p mod (channels * diesPerChannel), whose channel is
 * d mod channels. Consecutive pages therefore go round the channels first and
 * then round the dies of each channel, so a sequential stream spreads over
 * every die and the channels share its transfers evenly.
 *
 * A request is split into its pages, each queued FIFO at its die; the request
 * completes when its last page does. A die does one page at a time:
 *   read:  tR on the die, then the data crosses the channel; the die stays
 *          reserved until its page register is emptied.
 *   write: the data crosses the channel into the die's register, then tPROG.
 * Each channel carries one transfer at a time, FIFO. A partial-page write
 * still costs a full tPROG (no read-modify-write modeled); reads and writes
 * transfer only the bytes the request covers. With more requests outstanding
 * than dies, throughput is capped by the busiest resource and flattens.
 */
export class FlashModel implements ServiceModel {
  readonly description: string;
  readonly channels: number;
  readonly diesPerChannel: number;
  readonly pageSizeBytes: number;
  readonly pageReadNs: number;
  readonly pageProgramNs: number;
  readonly channelBandwidthBytesPerSec: number;
  readonly flushNs: number;
  private readonly dies: Die[];

  constructor(
    private readonly kernel: Kernel,
    options: FlashOptions = {},
    _rng?: Rng,
  ) {
    this.channels = requirePositiveInteger(MODEL, "channels", options.channels ?? 8);
    this.diesPerChannel = requirePositiveInteger(MODEL, "diesPerChannel", options.diesPerChannel ?? 4);
    this.pageSizeBytes = requirePositiveInteger(MODEL, "pageSizeBytes", options.pageSizeBytes ?? 16384);
    this.pageReadNs = requireNonNegativeInteger(MODEL, "pageReadNs", options.pageReadNs ?? 50_000);
    this.pageProgramNs = requireNonNegativeInteger(MODEL, "pageProgramNs", options.pageProgramNs ?? 500_000);
    this.channelBandwidthBytesPerSec = requirePositiveNumber(MODEL, "channelBandwidthBytesPerSec", options.channelBandwidthBytesPerSec ?? 800e6);
    this.flushNs = requireNonNegativeInteger(MODEL, "flushNs", options.flushNs ?? 10_000);

    const channels: Channel[] = [];
    for (let c = 0; c < this.channels; c++) channels.push({ queue: new FifoQueue(), busy: false });
    this.dies = [];
    for (let d = 0; d < this.channels * this.diesPerChannel; d++) {
      this.dies.push({ channel: channels[d % this.channels] as Channel, queue: new FifoQueue(), busy: false });
    }
    this.description =
      `flash ${this.channels}ch x ${this.diesPerChannel} dies, ${this.pageSizeBytes}B pages, ` +
      `read ${formatNs(this.pageReadNs)}, program ${formatNs(this.pageProgramNs)}, ${formatBytesPerSec(this.channelBandwidthBytesPerSec)}/ch`;
  }

  get dieCount(): number {
    return this.dies.length;
  }

  /** The die (0 .. dieCount-1) holding the page that contains `offsetBytes`. */
  dieIndex(offsetBytes: number): number {
    return Math.floor(offsetBytes / this.pageSizeBytes) % this.dies.length;
  }

  /** The channel of die `dieIndex`. */
  channelIndex(dieIndex: number): number {
    return dieIndex % this.channels;
  }

  submit<R extends ServiceRequest>(request: R, done: (request: R) => void): void {
    if (request.op === "flush" || request.lengthBytes === 0) {
      this.kernel.schedule(request.op === "flush" ? this.flushNs : 0, () => done(request));
      return;
    }
    const endBytes = request.offsetBytes + request.lengthBytes;
    const firstPage = Math.floor(request.offsetBytes / this.pageSizeBytes);
    const lastPage = Math.floor((endBytes - 1) / this.pageSizeBytes);
    let remaining = lastPage - firstPage + 1;
    const pageFinished = () => {
      remaining--;
      if (remaining === 0) done(request);
    };
    for (let page = firstPage; page <= lastPage; page++) {
      const pageStart = page * this.pageSizeBytes;
      const transferBytes = Math.min(endBytes, pageStart + this.pageSizeBytes) - Math.max(request.offsetBytes, pageStart);
      const die = this.dies[page % this.dies.length] as Die;
      die.queue.push({ op: request.op, transferBytes, finished: pageFinished });
      this.startDie(die);
    }
  }

  private startDie(die: Die): void {
    if (die.busy) return;
    const op = die.queue.shift();
    if (op === undefined) return;
    die.busy = true;
    const release = () => {
      die.busy = false;
      this.startDie(die);
      op.finished();
    };
    if (op.op === "read") {
      this.kernel.schedule(this.pageReadNs, () => this.transfer(die.channel, op.transferBytes, release));
    } else {
      this.transfer(die.channel, op.transferBytes, () => this.kernel.schedule(this.pageProgramNs, release));
    }
  }

  private transfer(channel: Channel, bytes: number, finished: () => void): void {
    channel.queue.push({ bytes, finished });
    this.startChannel(channel);
  }

  private startChannel(channel: Channel): void {
    if (channel.busy) return;
    const transfer = channel.queue.shift();
    if (transfer === undefined) return;
    channel.busy = true;
    this.kernel.schedule(transferTimeNs(transfer.bytes, this.channelBandwidthBytesPerSec), () => {
      channel.busy = false;
      this.startChannel(channel);
      transfer.finished();
    });
  }
}

