import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

/**
 * Renders a vega-lite spec to an SVG string in Node, with no browser: compile
 * to a vega spec, run it headless, serialise. Every chart of the reports goes
 * through here; the spec itself is also written out so users can restyle it.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
