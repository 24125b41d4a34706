import { maxManifestDepth } from "../../../../src/core/manifest/manifestTextChecks";

/**
 * The hostile-input corpus of issue 8 §9, as a table: each manifest must be refused with a
 * message that names what is wrong and the line it is on, never accepted and never an engine
 * error ("Maximum call stack size exceeded"). `textOnly` marks text that exists only in an
 * editor buffer: read from a file, one BOM is the encoding's and is dropped.
 */

export const validManifest = `apiVersion: aiplatform.dev/v1
kind: InferenceServiceManifest
name: fraud-scorer
runtime: python
model:
  registry: models:/fraud
  version: "3"
image: registry.example.com/fraud:1.4.2
resources:
  cpu: "2"
  memory: 4Gi
environments:
  dev:
    context: sandbox
    namespace: ml-dev
`;

const deepFlow = `${validManifest}description: ${"[".repeat(10_000)}${"]".repeat(10_000)}\n`;
const deepBlock = `${validManifest}owner:\n${"- ".repeat(10_000)}x\n`;

export const hostileManifests: readonly { name: string; text: string; message: RegExp; line: number; textOnly?: boolean }[] = [
  { name: "10k levels of flow nesting", text: deepFlow, message: new RegExp(`nesting deeper than ${maxManifestDepth} levels at line 16`), line: 16 },
  { name: "10k levels of block nesting", text: deepBlock, message: /nesting deeper than 64 levels at line 17/, line: 17 },
  { name: "__proto__ under environments", text: validManifest.replace("  dev:\n", "  __proto__:\n    context: x\n    namespace: y\n  dev:\n"), message: /^environments\.__proto__: the key __proto__ is not allowed/, line: 13 },
  { name: "__proto__ at the top level", text: `__proto__: {}\n${validManifest}`, message: /^__proto__: the key __proto__ is not allowed/, line: 1 },
  { name: "constructor under resources", text: validManifest.replace('  cpu: "2"', '  cpu: "2"\n  constructor: 1'), message: /^resources\.constructor: the key constructor is not allowed/, line: 11 },
  { name: "prototype in a flow map", text: validManifest.replace("context: sandbox", "context: sandbox\n    x: {prototype: 1}"), message: /environments\.dev\.x\.prototype: the key prototype is not allowed/, line: 15 },
  { name: "negative CPU", text: validManifest.replace('cpu: "2"', 'cpu: "-4"'), message: /^resources\.cpu: must not be negative/, line: 10 },
  { name: "negative CPU as a number", text: validManifest.replace('cpu: "2"', "cpu: -4"), message: /^resources\.cpu: must not be negative/, line: 10 },
  { name: "dots for memory", text: validManifest.replace("memory: 4Gi", 'memory: "..."'), message: /^resources\.memory: .*quantity/, line: 11 },
  { name: "1e309 CPU", text: validManifest.replace('cpu: "2"', 'cpu: "1e309"'), message: /^resources\.cpu: too large/, line: 10 },
  { name: "1e309 CPU as a number (Infinity)", text: validManifest.replace('cpu: "2"', "cpu: 1e309"), message: /^resources\.cpu: too large/, line: 10 },
  { name: "GB is not a suffix", text: validManifest.replace("memory: 4Gi", "memory: 4GB"), message: /^resources\.memory: /, line: 11 },
  { name: "half a GPU", text: validManifest.replace('  memory: 4Gi', "  memory: 4Gi\n  gpu:\n    count: 0.5"), message: /^resources\.gpu\.count: /, line: 13 },
  { name: "!Ref tag", text: validManifest.replace("namespace: ml-dev", "namespace: !Ref Namespace"), message: /^environments\.dev\.namespace: unknown YAML tag !Ref/, line: 15 },
  { name: "!!js/function tag", text: validManifest.replace("name: fraud-scorer", "name: !!js/function fraud-scorer"), message: /^name: unknown YAML tag !!js\/function/, line: 3 },
  { name: "text after a document end marker", text: `${validManifest}...\nkind: Secret\n`, message: /text after the end of the first document/, line: 17 },
  { name: "a second document", text: `${validManifest}---\nkind: Secret\n`, message: /text after the end of the first document/, line: 16 },
  { name: "a NUL byte", text: validManifest.replace("owner", "").replace("fraud-scorer", "fraud\u0000scorer"), message: /NUL byte \(line 3, column 12\)/, line: 3 },
  { name: "a second byte-order mark", text: `\ufeff${validManifest}`, message: /two byte-order marks/, line: 1, textOnly: true },
  { name: "CR-only line endings", text: validManifest.replace(/\n/g, "\r"), message: /CR-only line endings/, line: 1 },
  { name: "a replacement character", text: validManifest.replace("ml-dev", "ml-d\ufffdv"), message: /U\+FFFD \(line 15, column 20\)/, line: 15 },
];

