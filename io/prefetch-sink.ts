import { withDoubleFields } from "./double-fields.js";

/**
 * Where prefetch hints (BlockDevice.prefetch, CofwEngine.prefetch) leave a
 * number made of what they read. A value that is stored somewhere others can
 * see is one the compiler must compute, so the reads, which are the point of
 * a hint, are not dropped as unused. Nothing reads it. A double from the
 * start: sums of what the hints read pass 2^30 (see withDoubleFields).
 */
export const prefetchSink = withDoubleFields({ checksum: 0 }, ["checksum"]);
