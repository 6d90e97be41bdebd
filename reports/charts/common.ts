import type { TopLevelSpec } from "vega-lite";
import type { RunResults, SessionRecord } from "../../scenarios/runner/results.js";

/** A layer of a layered spec, and a panel of a concatenated one (vega-lite exports no names for them). */
export type LayerChild = Extract<TopLevelSpec, { layer: unknown }>["layer"][number];
export type ConcatChild = Extract<TopLevelSpec, { vconcat: unknown }>["vconcat"][number];

/** Written into every .vl.json so editors and the vega-lite online editor know the dialect. */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

/** Sized to sit side by side with the tables on a laptop screen and stay legible in a CI artifact viewer. */
export const CHART_WIDTH_PX = 640;
export const CHART_HEIGHT_PX = 240;
export const PANEL_HEIGHT_PX = 160;

/**
 * Shared look. Fonts are generic families only: report.html loads nothing,
 * and the SVG is rendered in Node where text is measured by estimate.
 */
export const CHART_CONFIG = {
  font: "sans-serif",
  title: { fontSize: 15, anchor: "start", subtitleFontSize: 12, subtitleColor: "#555" },
  axis: { labelFontSize: 11, titleFontSize: 12, gridColor: "#e6e6e6" },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  view: { stroke: "#ccc" },
} as const;

/** The x encoding of every chart over time: from 0, ending where the data ends rather than at a rounded-up tick. */
export const TIME_X = { field: "time_ms", type: "quantitative", title: "simulated time since the Cache LU was ready (ms)", scale: { domainMin: 0, nice: false } } as const;

export const nsToMs = (ns: number): number => ns / 1e6;

/** One series per job and direction: the legend's entries. */
export const seriesLabel = (job: string, op: "read" | "write"): string => `${job} ${op}`;

/** Where a session operation is drawn: when it took effect, or when it was asked for if it failed. */
interface SessionMarker {
  readonly time_ms: number;
  readonly label: string;
  readonly color: string;
}

const MARKER_COLOR = "#444";
const FAILED_MARKER_COLOR = "#c0392b";

/** A session operation's record, or the sessions one full Cache LU ended at once (one marker, not labels drawn over each other). */
type MarkedSession = SessionRecord & { readonly slots?: readonly number[] };

function mergedTerminations(sessions: readonly SessionRecord[]): MarkedSession[] {
  const marked: MarkedSession[] = [];
  for (const session of sessions) {
    const last = marked.at(-1);
    if (session.action === "terminate" && last?.action === "terminate" && last.requestedAtNs === session.requestedAtNs && last.doneAtNs === session.doneAtNs) {
      marked[marked.length - 1] = { ...last, slots: [...(last.slots ?? [last.slot]), session.slot] };
    } else {
      marked.push(session);
    }
  }
  return marked;
}

function sessionMarker(session: MarkedSession): SessionMarker {
  const slots = session.slots === undefined ? `slot ${session.slot}` : `slots ${session.slots.join(", ")}`;
  const what = session.action === "terminate" ? `${slots} ended: Cache LU full` : `${session.action} ${slots}`;
  if (session.doneAtNs === undefined) return { time_ms: nsToMs(session.requestedAtNs), label: `${what} (failed)`, color: FAILED_MARKER_COLOR };
  return { time_ms: nsToMs(session.doneAtNs), label: what, color: MARKER_COLOR };
}

/**
 * Session start/stop/replace/rollback, and the ends a full Cache LU forced, as dashed vertical rules with labels,
 * to layer over any chart whose x axis is `time_ms`. Labels run vertically
 * down from the top of the plot so operations close in time stay readable.
 * No layers when the run had no session operations (an empty data layer
 * would still reserve a legend-less scale domain).
 */
export function sessionMarkerLayers(results: RunResults): LayerChild[] {
  if (results.sessions.length === 0) return [];
  const values = mergedTerminations(results.sessions).map(sessionMarker);
  const x = { field: "time_ms", type: "quantitative" } as const;
  const color = { field: "color", type: "nominal", scale: null } as const;
  const label = { type: "text", angle: 90, align: "left", baseline: "bottom", dx: 4, dy: -3, fontSize: 10 } as const;
  const text = { field: "label", type: "nominal" } as const;
  return [
    { data: { values }, mark: { type: "rule", strokeDash: [4, 3], strokeWidth: 1.2 }, encoding: { x, color } },
    // A white halo under each label keeps it readable where it crosses a dense line.
    { data: { values }, mark: { ...label, stroke: "white", strokeWidth: 3, strokeJoin: "round" }, encoding: { x, y: { value: 0 }, text } },
    { data: { values }, mark: label, encoding: { x, y: { value: 0 }, text, color } },
  ];
}
