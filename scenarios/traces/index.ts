/** Trace replay: parsers for fio iolog v3, DiskSim/MQSim ASCII, MSR Cambridge CSV and blkparse text, and the WorkloadSource built on them. */
export { TraceParseError, MAX_LISTED_PROBLEMS, TRACE_SECTOR_BYTES, type ParsedTrace, type TraceLineProblem, type TraceRequest, type TraceRequestKind } from "./common.js";
export { parseFioIolog, parseFioIologDetailed, FIO_IOLOG_V3_HEADER } from "./fio-iolog.js";
export { parseDisksim, parseDisksimDetailed } from "./disksim.js";
export { parseMsrCambridge, parseMsrCambridgeDetailed } from "./msr-cambridge.js";
export { parseBlkparse, parseBlkparseDetailed, blkparseDevice } from "./blkparse.js";
export { detectTraceFormat } from "./detect.js";
export { traceSource, traceSourceFromText, TraceSourceError, type SourceLuGeometry, type TraceReplaySummary, type TraceWorkloadSource } from "./trace-source.js";
