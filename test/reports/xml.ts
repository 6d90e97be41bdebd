/**
 * A small XML well-formedness check for the SVG vega writes (no XML parser is
 * installed, and none is needed for this): every tag is closed in order,
 * attributes are quoted and not repeated, text holds no stray `<` and every
 * `&` starts an entity. Returns the problems found, empty when well-formed.
 */
const TAG = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const ENTITY = /&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#x[0-9A-Fa-f]+);/y;

function checkText(text: string, at: number, problems: string[]): void {
  for (let i = text.indexOf("&"); i >= 0; i = text.indexOf("&", i + 1)) {
    ENTITY.lastIndex = i;
    if (!ENTITY.test(text)) problems.push(`bare & at ${at + i}`);
  }
}

export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const open: string[] = [];
  let roots = 0;
  let i = 0;
  while (i < xml.length && problems.length < 10) {
    const lt = xml.indexOf("<", i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    if (open.length === 0 && text.trim() !== "") problems.push(`text outside the root element at ${i}`);
    checkText(text, i, problems);
    if (lt < 0) break;
    if (xml.startsWith("<!--", lt)) {
      const end = xml.indexOf("-->", lt + 4);
      if (end < 0) problems.push(`unterminated comment at ${lt}`);
      i = end < 0 ? xml.length : end + 3;
      continue;
    }
    if (xml.startsWith("<?", lt)) {
      const end = xml.indexOf("?>", lt);
      i = end < 0 ? xml.length : end + 2;
      continue;
    }
    TAG.lastIndex = lt;
    const match = TAG.exec(xml);
    if (match === null) {
      problems.push(`malformed tag at ${lt}: ${xml.slice(lt, lt + 60)}`);
      break;
    }
    const [whole, closing, name = "", attributes = "", selfClosing] = match;
    const seen = new Set<string>();
    for (const attribute of attributes.matchAll(ATTRIBUTE)) {
      const attributeName = attribute[1] ?? "";
      if (seen.has(attributeName)) problems.push(`attribute ${attributeName} repeated on <${name}> at ${lt}`);
      seen.add(attributeName);
      const value = attribute[2] ?? attribute[3] ?? "";
      if (value.includes("<")) problems.push(`< in attribute ${attributeName} at ${lt}`);
      checkText(value, lt, problems);
    }
    if (closing === "/") {
      const expected = open.pop();
      if (expected !== name) problems.push(`</${name}> at ${lt} closes <${expected ?? "nothing"}>`);
    } else if (selfClosing !== "/") {
      if (open.length === 0) roots++;
      open.push(name);
    } else if (open.length === 0) roots++;
    i = lt + whole.length;
  }
  if (open.length > 0) problems.push(`unclosed: ${open.join(" > ")}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}
