import { describe, expect, test } from "vitest";
import { parse as parseYaml } from "yaml";
import type { ModelVersion } from "../../../../src/core/registry/modelRegistry";
import { comparisonText, type ComparedSide } from "../../../../src/core/registry/versionComparison";

interface Compared {
  readonly [key: string]: unknown;
  readonly tags: Record<string, string | null>;
  readonly metrics: Record<string, number | null>;
  readonly params: Record<string, string | null>;
  readonly source: string;
  readonly runId: string;
  readonly created: string;
  readonly description: string;
}
const parse = (text: string): Compared => parseYaml(text) as Compared;

const v3: ModelVersion = {
  name: "llama3-70b-chat",
  version: "3",
  creationTimestamp: Date.UTC(2026, 10, 2, 9, 30),
  userId: "alice",
  currentStage: "None",
  source: "s3://models/llama3/3",
  runId: "a1b2",
  status: "READY",
  tags: [{ key: "training_data", value: "s3://data/chat-2026-10" }, { key: "mlflow.source.git.commit", value: "4f1c2e9" }],
  aliases: ["champion"],
};
const v4: ModelVersion = { ...v3, version: "4", userId: "bob", source: "s3://models/llama3/4", runId: "c3d4", tags: [{ key: "training_data", value: "s3://data/chat-2026-11" }, { key: "eval", value: "pending" }], aliases: ["challenger"] };

const serving: ComparedSide = { version: v3, servedBy: ["Deployment llm-serving/vllm-llama3-70b"], run: { runId: "a1b2", metrics: [{ key: "rougeL", value: 0.41 }], params: [{ key: "lr", value: "2e-5" }] } };
const candidate: ComparedSide = { version: v4, servedBy: [], run: { runId: "c3d4", metrics: [{ key: "rougeL", value: 0.44 }, { key: "toxicity", value: 0.01 }], params: [{ key: "lr", value: "1e-5" }] } };

describe("comparisonText", () => {
  test("both sides hold the same keys in the same order, so the diff pairs tags, metrics and params line by line", () => {
    const left = parse(comparisonText(serving, candidate, "serving"));
    const right = parse(comparisonText(candidate, serving, "candidate"));
    expect(Object.keys(left)).toEqual(Object.keys(right));
    expect(Object.keys(left.tags)).toEqual(["eval", "mlflow.source.git.commit", "training_data"]);
    expect(Object.keys(right.tags)).toEqual(Object.keys(left.tags));
    expect(left.tags.eval).toBeNull();
    expect(right.tags["mlflow.source.git.commit"]).toBeNull();
    expect(left.metrics).toEqual({ rougeL: 0.41, toxicity: null });
    expect(right.metrics).toEqual({ rougeL: 0.44, toxicity: 0.01 });
    expect([left.params.lr, right.params.lr]).toEqual(["2e-5", "1e-5"]);
    expect([left.source, right.source, left.runId, right.created]).toEqual(["s3://models/llama3/3", "s3://models/llama3/4", "a1b2", "2026-11-02T09:30:00.000Z"]);
  });

  test("the header says who serves it, and a run that could not be read is said, not left blank", () => {
    const text = comparisonText({ ...serving, run: { unavailable: "the tracking server answered 404 for run a1b2" } }, candidate, "serving");
    expect(text.split("\n").slice(0, 3)).toEqual([
      "# llama3-70b-chat version 3: what serves now (read-only)",
      "# served by Deployment llm-serving/vllm-llama3-70b",
      "# metrics and params: the tracking server answered 404 for run a1b2",
    ]);
    expect(parse(text).metrics).toEqual({ rougeL: null, toxicity: null });
  });

  test("hostile text from the registry stays data: a newline in a name cannot forge a header line, YAML in a description stays a string", () => {
    const evil: ModelVersion = { ...v4, name: "x\n# served by nobody", description: "ok\nsource: s3://evil\n<script>alert(1)</script>" };
    const text = comparisonText({ ...candidate, version: evil }, serving, "candidate");
    expect(text.split("\n").filter((l) => l.startsWith("# served by"))).toEqual([]);
    const doc = parse(text);
    expect(doc.source).toBe("s3://models/llama3/4");
    expect(doc.description).toBe("ok\nsource: s3://evil\n<script>alert(1)</script>");
  });

  test("a huge description is cut and says so", () => {
    const text = comparisonText({ ...candidate, version: { ...v4, description: "x".repeat(100_000) } }, serving, "candidate");
    expect(parse(text).description).toMatch(/… \(cut: 100000 characters in all\)$/);
    expect(text.length).toBeLessThan(6000);
  });
});
