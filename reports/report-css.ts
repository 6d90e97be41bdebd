/**
 * The report's whole style sheet, inlined into the page: report.html loads
 * nothing (no fonts, no scripts, no images), so it reads the same from a CI
 * artifact, an email attachment or a machine with no network.
 */
export const REPORT_CSS = `
:root { color-scheme: light; --ink: #1d1d1f; --muted: #5f6368; --rule: #d9dce1; --band: #f5f6f8; --bad: #b3261e; --bad-band: #fdecea; --wall: #8a6d00; --wall-band: #fff8e1; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #fff; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 48px; }
header h1 { margin: 0 0 4px; font-size: 26px; }
header p { margin: 0; color: var(--muted); }
nav { margin: 14px 0 8px; padding: 8px 0; border-top: 1px solid var(--rule); border-bottom: 1px solid var(--rule); font-size: 14px; }
nav a { margin-right: 16px; color: #1a5fb4; text-decoration: none; }
nav a:hover { text-decoration: underline; }
h2 { margin: 32px 0 10px; font-size: 20px; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
h3 { margin: 20px 0 8px; font-size: 16px; }
p.hint { margin: 4px 0 10px; color: var(--muted); font-size: 13px; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 14px; }
th, td { padding: 4px 10px; border-bottom: 1px solid var(--rule); text-align: left; vertical-align: top; }
th { background: var(--band); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; }
.table-wrap { overflow-x: auto; max-width: 100%; }
tbody tr:hover { background: #fafbfc; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 8px 0; font-size: 14px; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
ul { margin: 6px 0; padding-left: 22px; }
.problems { border: 1px solid var(--bad); background: var(--bad-band); border-radius: 6px; padding: 6px 14px 10px; margin: 12px 0; }
.problems h3 { color: var(--bad); margin-top: 4px; }
p.problems { color: var(--bad); font-weight: 600; padding: 8px 14px; }
figure.chart { margin: 18px 0 28px; overflow-x: auto; }
figure.chart svg { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 6px; max-width: 820px; }
figcaption code, p code, li code { font-size: 12px; }
pre { background: var(--band); border: 1px solid var(--rule); border-radius: 6px; padding: 12px 14px; overflow-x: auto; font: 13px/1.45 ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; }
section.wall { margin-top: 36px; border: 2px dashed var(--wall); background: var(--wall-band); border-radius: 6px; padding: 4px 16px 12px; }
section.wall h2 { color: var(--wall); border-bottom-color: var(--wall); }
.badge { display: inline-block; margin-left: 8px; padding: 1px 8px; border-radius: 10px; background: var(--wall); color: #fff; font-size: 12px; font-weight: 600; vertical-align: middle; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
`;
