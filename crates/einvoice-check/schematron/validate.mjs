// Runs the official rule sets on e-invoices, as a receiving system would: every file
// named on the command line through EN 16931 (UBL), and through Peppol BIS Billing 3.0
// when its CustomizationID claims that profile. Prints one JSON line per file:
//   {"file": …, "sets": ["en16931-ubl", …], "failed": [{"set", "id", "flag", "location", "text"}]}
// Usage: node validate.mjs <dir of compiled sets> <file>…  (scripts/einvoice-rules.sh
// compiles them; a missing set is an error, never a pass).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import SaxonJS from "saxon-js";

const PEPPOL = "urn:fdc:peppol.eu:2017:poacc:billing:3.0";
const SVRL = "http://purl.oclc.org/dsdl/svrl";
const [dir, ...files] = process.argv.slice(2);
if (!dir || files.length === 0) {
  console.error("usage: node validate.mjs <compiled rules dir> <file>…");
  process.exit(2);
}

const compiled = new Map();
function set(name) {
  if (!compiled.has(name)) {
    compiled.set(name, JSON.parse(readFileSync(join(dir, `${name}.sef.json`), "utf8")));
  }
  return compiled.get(name);
}

/** The rule sets a document asks for, by what its CustomizationID claims. */
function setsFor(xml) {
  const claim = /<cbc:CustomizationID[^>]*>([^<]*)</.exec(xml)?.[1] ?? "";
  return claim.includes(PEPPOL) ? ["en16931-ubl", "peppol-bis-3"] : ["en16931-ubl"];
}

const text = (node, path) =>
  SaxonJS.XPath.evaluate(`string(${path})`, node, { namespaceContext: { svrl: SVRL } });

for (const file of files) {
  const xml = readFileSync(file, "utf8");
  const sets = setsFor(xml);
  const failed = [];
  for (const name of sets) {
    const result = SaxonJS.transform(
      { stylesheetInternal: set(name), sourceText: xml, destination: "document" },
      "sync",
    ).principalResult;
    const asserts = SaxonJS.XPath.evaluate("//svrl:failed-assert", result, {
      namespaceContext: { svrl: SVRL },
      resultForm: "array",
    });
    for (const assert of asserts) {
      failed.push({
        set: name,
        id: text(assert, "@id"),
        flag: text(assert, "@flag") || "fatal",
        location: text(assert, "@location"),
        text: text(assert, "normalize-space(svrl:text)"),
      });
    }
  }
  console.log(JSON.stringify({ file, sets, failed }));
}
