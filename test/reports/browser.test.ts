import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { RUN_CHARTS } from "../../reports/charts/index.js";
import { writeRunReport } from "../../reports/run-report.js";
import { CHROMIUM_PATH, Chromium, chromiumInstalled, type CdpEvent } from "./chromium.js";
import { shortRun } from "./fixture.js";

/**
 * Opens report.html in a real headless Chromium (Debian's `chromium`, which
 * .ci/run installs) and checks what a reader would see: every chart rendered
 * with its marks, no console errors, no request but the file itself. Without
 * Chromium the test fails in CI and is skipped, saying why, elsewhere.
 */
const inCi = process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false";
const installed = chromiumInstalled();
if (!installed && !inCi) console.warn(`skipping the report.html browser test: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`);

const LOAD_TIMEOUT_MS = 30_000;

interface ChartInPage {
  readonly name: string;
  readonly svgs: number;
  readonly widthPx: number;
  readonly heightPx: number;
  /** vega's mark groups (`g.role-mark`) and, inside them, shapes with a drawn box. */
  readonly markGroups: number;
  readonly drawnShapes: number;
  readonly markKinds: readonly string[];
}

/** Runs in the page: what each chart figure holds in the live DOM, measured after layout. */
const INSPECT_CHARTS = `JSON.stringify([...document.querySelectorAll("figure.chart")].map((figure) => {
  const svg = figure.querySelector("svg");
  const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
  const groups = svg ? [...svg.querySelectorAll("g.role-mark")] : [];
  const shapes = groups.flatMap((group) => [...group.querySelectorAll("path, rect, line, text")]);
  const drawn = shapes.filter((shape) => { const b = shape.getBBox(); return b.width > 0 || b.height > 0; });
  const kinds = [...new Set(groups.map((group) => [...group.classList].find((name) => name.startsWith("mark-"))))].sort();
  return { name: figure.dataset.chart, svgs: figure.querySelectorAll("svg").length, widthPx: box.width, heightPx: box.height, markGroups: groups.length, drawnShapes: drawn.length, markKinds: kinds };
}))`;

function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${LOAD_TIMEOUT_MS} ms waiting for ${what}`)), LOAD_TIMEOUT_MS)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Console errors, uncaught exceptions and browser log errors (a blocked load, a CSP violation) of one page session. */
function errorsOf(events: readonly CdpEvent[], sessionId: string): string[] {
  return events
    .filter((event) => event.sessionId === sessionId)
    .flatMap((event) => {
      const params = event.params as { type?: string; args?: Array<{ value?: unknown; description?: string }>; exceptionDetails?: { text?: string }; entry?: { level?: string; text?: string; url?: string } };
      if (event.method === "Runtime.consoleAPICalled" && (params.type === "error" || params.type === "assert")) return [`console.${params.type}: ${(params.args ?? []).map((arg) => String(arg.value ?? arg.description)).join(" ")}`];
      if (event.method === "Runtime.exceptionThrown") return [`exception: ${params.exceptionDetails?.text ?? "?"}`];
      if (event.method === "Log.entryAdded" && params.entry?.level === "error") return [`log: ${params.entry.text ?? "?"} ${params.entry.url ?? ""}`];
      return [];
    });
}

describe.skipIf(!installed && !inCi)("report.html in headless Chromium", () => {
  let dir: string;
  let reportUrl: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "cofwsim-browser-"));
    await writeRunReport(dir, shortRun());
    reportUrl = pathToFileURL(join(dir, "report.html")).href;
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("renders every chart with its marks, with no console errors and no network requests", async () => {
    if (!installed) throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: .ci/run installs Debian's chromium package (DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium)`);
    const browser = Chromium.launch();
    try {
      const { targetId } = (await withTimeout(browser.send("Target.createTarget", { url: "about:blank" }), "Chromium to start")) as { targetId: string };
      const { sessionId } = (await browser.send("Target.attachToTarget", { targetId, flatten: true })) as { sessionId: string };
      for (const domain of ["Runtime", "Log", "Page", "Network"]) await browser.send(`${domain}.enable`, {}, sessionId);
      const loaded = browser.waitFor("Page.loadEventFired");
      const navigation = (await browser.send("Page.navigate", { url: reportUrl }, sessionId)) as { errorText?: string };
      expect(navigation.errorText).toBeUndefined();
      await withTimeout(loaded, "report.html to load");

      const evaluated = (await browser.send("Runtime.evaluate", { expression: INSPECT_CHARTS, returnByValue: true }, sessionId)) as { result: { value: string } };
      const charts = JSON.parse(evaluated.result.value) as ChartInPage[];
      expect(charts.map((chart) => chart.name)).toEqual(RUN_CHARTS.map((chart) => chart.name));
      for (const chart of charts) {
        expect(chart.svgs, chart.name).toBe(1);
        expect(chart.widthPx, chart.name).toBeGreaterThan(300);
        expect(chart.heightPx, chart.name).toBeGreaterThan(150);
        expect(chart.markGroups, chart.name).toBeGreaterThanOrEqual(1);
        expect(chart.drawnShapes, chart.name).toBeGreaterThanOrEqual(2);
        expect(chart.markKinds.some((kind) => ["mark-line", "mark-area", "mark-rect"].includes(kind)), `${chart.name}: ${chart.markKinds.join(", ")}`).toBe(true);
      }

      const requests = browser.events.filter((event) => event.sessionId === sessionId && event.method === "Network.requestWillBeSent").map((event) => (event.params as { request: { url: string } }).request.url);
      expect(requests).toEqual([reportUrl]);
      expect(errorsOf(browser.events, sessionId)).toEqual([]);

      // The check above is only worth something if errors do reach it: one logged on purpose must be seen.
      const logged = browser.waitFor("Runtime.consoleAPICalled");
      await browser.send("Runtime.evaluate", { expression: `console.error("probe")` }, sessionId);
      await withTimeout(logged, "the probe's console error");
      expect(errorsOf(browser.events, sessionId)).toEqual(["console.error: probe"]);
    } finally {
      await browser.close();
    }
  });
});
