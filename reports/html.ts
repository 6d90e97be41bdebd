import type { TextTable } from "./headline.js";

/**
 * HTML building blocks. Every piece of text that reaches a page goes through
 * escapeHtml: job names, notes, error messages and the scenario text come
 * from users and must never be read as markup.
 */
const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

export function htmlTable(table: TextTable): string {
  const cell = (tag: "th" | "td", value: string, numeric: boolean) => `<${tag}${numeric ? ' class="num"' : ""}>${escapeHtml(value)}</${tag}>`;
  const head = table.columns.map((column) => cell("th", column.label, column.numeric)).join("");
  const body = table.rows.map((row) => `<tr>${row.map((value, index) => cell("td", value, table.columns[index]?.numeric ?? false)).join("")}</tr>`).join("\n");
  // Wrapped so a wide table scrolls on its own instead of widening the page.
  return [`<div class="table-wrap"><table>`, `<thead><tr>${head}</tr></thead>`, `<tbody>\n${body}\n</tbody>`, `</table></div>`].join("\n");
}

/** Key/value facts as a definition list. */
export function htmlFacts(rows: ReadonlyArray<readonly [string, string]>): string {
  return `<dl class="facts">\n${rows.map(([key, value]) => `<dt>${escapeHtml(key)}</dt><dd>${escapeHtml(value)}</dd>`).join("\n")}\n</dl>`;
}

export function htmlList(items: readonly string[], className?: string): string {
  return `<ul${className === undefined ? "" : ` class="${escapeHtml(className)}"`}>\n${items.map((item) => `<li>${escapeHtml(item)}</li>`).join("\n")}\n</ul>`;
}
