// Validates AsyncAPI documents with the official parser, and each message's examples against its
// payload schema (Ajv, the parser's own dependency); exits 1 on any error.
//   node validate.mjs docs/api/events.asyncapi.json docs/api/ordering.asyncapi.json ...
import { readFile } from "node:fs/promises";
import { Parser, DiagnosticSeverity } from "@asyncapi/parser";
import Ajv from "ajv";
import addFormats from "ajv-formats";

const parser = new Parser();
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);

function exampleErrors(document) {
  const errors = [];
  for (const message of document.components().messages().all()) {
    const validate = ajv.compile(message.payload().json());
    for (const example of message.examples().all()) {
      if (!validate(example.payload())) {
        errors.push(`example of ${message.id()}: ${ajv.errorsText(validate.errors)}`);
      }
    }
  }
  return errors;
}

let failed = false;
for (const path of process.argv.slice(2)) {
  const { document, diagnostics } = await parser.parse(await readFile(path, "utf8"), {
    source: path,
  });
  const errors = diagnostics
    .filter((d) => d.severity === DiagnosticSeverity.Error)
    .map((d) => `${d.code}: ${d.message} at /${d.path.join("/")}`);
  for (const d of diagnostics.filter((d) => d.severity !== DiagnosticSeverity.Error)) {
    console.log(`${path}: note ${d.code}: ${d.message} at /${d.path.join("/")}`);
  }
  if (document !== undefined) {
    errors.push(...exampleErrors(document));
  }
  for (const error of errors) {
    console.log(`${path}: error ${error}`);
  }
  if (errors.length > 0 || document === undefined) {
    failed = true;
  }
  console.log(`${path}: ${errors.length} errors`);
}
process.exit(failed ? 1 : 0);
