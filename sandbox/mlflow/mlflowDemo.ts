/**
 * The demo registry: the models behind sandbox/scenarios/demo.yaml's services, several versions
 * each, with run ids, lineage tags (mlflow.source.git.commit, training_data), aliases
 * champion/challenger and one model still on stages. What the demo shows with it:
 * - llm-serving/vllm-llama3-70b serves llama3-70b-chat v4, the challenger: NOT approved (champion is v3);
 * - onnx-api/reranker-onnx serves reranker-minilm v2, a model missing from the registry;
 * - the KServe services are matched by storage URI: sklearn-iris v1 and fraud-xgboost v3 sources;
 * - triton-ensemble uses the deprecated stages (Production v3, Staging v4, Archived v1–v2);
 * - sentiment-distilbert v3 is an MLflow 3 version (source models:/m-<id>, download URI mlflow-artifacts:/…);
 * - bad input: HTML/Markdown injection in a description and tags, a ~100 KB description, and
 *   names with a space, a slash, a quote and non-ASCII letters (served by nothing).
 * Timestamps are relative to `now`, so ages read the same every day.
 */
import { createHash } from "node:crypto";
import { type MlflowSeed, type MlflowSeedModel, type MlflowSeedRun, type MlflowSeedVersion } from "./mlflowSeed";

const day = 86_400_000;

/** A stable 32-hex MLflow run id per model and version. */
export function demoRunId(model: string, version: number): string {
  return createHash("sha256").update(`${model}/${version}`).digest("hex").slice(0, 32);
}

function commit(model: string, version: number): string {
  return createHash("sha1").update(`commit ${model}/${version}`).digest("hex");
}

/** The demo's names, for tests and the lead's wiring. */
export const mlflowDemo = {
  /** Served by llm-serving/vllm-llama3-70b at v4 (challenger, not approved); champion v3. */
  llama: "llama3-70b-chat",
  mixtral: "mixtral-8x7b-instruct",
  /** Stages: v3 Production (and champion), v4 Staging. */
  triton: "triton-ensemble",
  resnet: "resnet50",
  sentiment: "sentiment-distilbert",
  bert: "bert-classifier",
  sklearn: "sklearn-iris",
  fraud: "fraud-xgboost",
  /** Served by onnx-api/reranker-onnx, deliberately NOT registered. */
  missing: "reranker-minilm",
  /** Unusual names, served by nothing. */
  spaced: "customer churn",
  slashed: "vision/yolov8-detector",
  quoted: "partner's-forecast",
  unicode: "übersetzer-de-en-説明",
  /** The MLflow 3 logged model behind sentiment-distilbert v3. */
  loggedModelId: "m-7f3c2a9e5d1b4c8fa6e2d0b9c4a7e1f3",
  /** The experiment the demo runs log to (mlflow-artifacts:/<experiment>/…). */
  experimentId: "3",
  /**
   * Where the demo server's proxied artifacts live (`mlflow server --artifacts-destination`):
   * the artifact root a registry setting maps "mlflow-artifacts:/" to for KServe.
   */
  artifactsDestination: "s3://aiplatform-mlflow/mlartifacts",
} as const;

const trainingRunLink = (runId: string): string => `https://mlflow.training.aiplatform.example/#/experiments/12/runs/${runId}`;

/** The usual version: a run in experiment 3 with its artifacts under the proxied store, lineage tags. */
function runVersion(model: string, version: number, createdAt: number, extra: Partial<MlflowSeedVersion> & { data?: string } = {}): MlflowSeedVersion {
  const runId = demoRunId(model, version);
  const { data, tags, ...rest } = extra;
  return {
    source: `mlflow-artifacts:/${mlflowDemo.experimentId}/${runId}/artifacts/model`,
    runId,
    userId: "ml-pipeline@aiplatform.example",
    createdAt,
    tags: { "mlflow.source.git.commit": commit(model, version), training_data: data ?? `abfss://datasets@aiplatformlake.dfs.core.windows.net/${model}/v${version}`, ...tags },
    ...rest,
  };
}

/** ~100 KB of plain text: a registry answer the tree must cope with. */
function hugeDescription(): string {
  const paragraph = "Evaluation notes. Accuracy by slice, confusion matrices and the full hyper-parameter sweep, pasted from the notebook. ";
  return `# BERT classifier, first release\n\n${paragraph.repeat(Math.ceil(100_000 / paragraph.length))}`;
}

export function mlflowDemoSeed(now: number = Date.now()): MlflowSeed {
  const ago = (days: number): number => now - Math.round(days * day);
  const m = mlflowDemo;
  const models: MlflowSeedModel[] = [
    {
      name: m.llama,
      description: "Llama 3 70B Instruct fine-tuned on the support-chat corpus; served by vLLM.",
      tags: { team: "llm", task: "chat" },
      createdAt: ago(60),
      versions: [
        runVersion(m.llama, 1, ago(60), { description: "Base instruct weights.", stage: "Archived" }),
        runVersion(m.llama, 2, ago(40), { description: "First support-chat fine-tune." }),
        runVersion(m.llama, 3, ago(20), { description: "Support-chat fine-tune, DPO pass; approved for production.", tags: { approval: "approved", eval_winrate: "0.71" } }),
        runVersion(m.llama, 4, ago(3), { description: "Longer context (16k); evaluation still running.", tags: { eval_winrate: "0.69" } }),
      ],
      aliases: { champion: 3, challenger: 4 },
    },
    {
      name: m.mixtral,
      description: "Mixtral 8x7B Instruct for batch summarisation.",
      tags: { team: "llm" },
      createdAt: ago(14),
      versions: [
        runVersion(m.mixtral, 1, ago(14), { tags: { approval: "approved" } }),
        runVersion(m.mixtral, 2, ago(1), { status: "FAILED_REGISTRATION", statusMessage: "Copying artifacts failed: 403 from the artifact store." }),
      ],
      aliases: { champion: 1 },
    },
    {
      name: m.triton,
      // Injection attempt: a tooltip must show this as text, never render it.
      description: 'Ensemble (tokenizer → encoder → head). <img src=x onerror="alert(1)"> <script>alert("registry")</script> [Run me](command:workbench.action.terminal.new) **bold**',
      tags: { team: "vision", docs: "<b>not bold</b><script>alert(2)</script>" },
      createdAt: ago(90),
      versions: [
        runVersion(m.triton, 1, ago(90), { stage: "Archived" }),
        runVersion(m.triton, 2, ago(60), { stage: "Archived" }),
        runVersion(m.triton, 3, ago(30), { stage: "Production", tags: { note: "[click](https://attacker.example) <iframe src=https://attacker.example>" } }),
        runVersion(m.triton, 4, ago(2), { stage: "Staging" }),
      ],
      aliases: { champion: 3 },
    },
    {
      name: m.resnet,
      description: "ResNet-50 image classifier on MIG slices.",
      tags: { team: "vision" },
      createdAt: ago(45),
      versions: [runVersion(m.resnet, 1, ago(45)), runVersion(m.resnet, 2, ago(10), { tags: { approval: "approved" } }), runVersion(m.resnet, 3, ago(1))],
      aliases: { champion: 2, challenger: 3 },
    },
    {
      name: m.sentiment,
      description: "DistilBERT sentiment, exported to ONNX.",
      tags: { team: "nlp" },
      createdAt: ago(50),
      versions: [
        runVersion(m.sentiment, 1, ago(50)),
        runVersion(m.sentiment, 2, ago(21)),
        // MLflow 3 registers the logged model: source models:/m-<id>, artifacts where the logged model lives.
        runVersion(m.sentiment, 3, ago(2), {
          source: `models:/${m.loggedModelId}`,
          storageLocation: `mlflow-artifacts:/${m.experimentId}/models/${m.loggedModelId}/artifacts`,
          description: "Logged with MLflow 3 (a LoggedModel).",
        }),
      ],
      aliases: { champion: 2, challenger: 3 },
    },
    {
      name: m.bert,
      description: "BERT intent classifier for the contact centre.",
      tags: { team: "nlp" },
      createdAt: ago(120),
      versions: [
        runVersion(m.bert, 1, ago(120), { description: hugeDescription() }),
        runVersion(m.bert, 2, ago(90)),
        runVersion(m.bert, 3, ago(60)),
        runVersion(m.bert, 4, ago(30)),
        runVersion(m.bert, 5, ago(15), { tags: { approval: "approved" } }),
      ],
      aliases: { champion: 5 },
    },
    {
      name: m.sklearn,
      description: "The KServe iris example, registered.",
      tags: { team: "tabular" },
      createdAt: ago(25),
      versions: [
        runVersion(m.sklearn, 1, ago(25), { source: "gs://kfserving-examples/models/sklearn/1.0/model", data: "gs://kfserving-examples/datasets/iris.csv" }),
        runVersion(m.sklearn, 2, ago(4)),
      ],
      aliases: { champion: 1, challenger: 2 },
    },
    {
      name: m.fraud,
      description: "XGBoost card-fraud scorer.",
      tags: { team: "tabular" },
      createdAt: ago(30),
      versions: [1, 2, 3].map((v) =>
        runVersion(m.fraud, v, ago(30 - v * 8), {
          source: `https://aiplatformmodels.blob.core.windows.net/models/fraud-xgboost/${v}`,
          runLink: trainingRunLink(demoRunId(m.fraud, v)),
          ...(v === 3 ? { tags: { approval: "approved" } } : {}),
        }),
      ),
      aliases: { champion: 3 },
    },
    { name: m.spaced, description: "Churn propensity (batch scoring, not served).", createdAt: ago(70), versions: [runVersion(m.spaced, 1, ago(70)), runVersion(m.spaced, 2, ago(35))], aliases: { champion: 2 } },
    { name: m.slashed, description: "YOLOv8 detector, team namespace in the name.", createdAt: ago(33), versions: [runVersion(m.slashed, 1, ago(33))] },
    { name: m.quoted, description: "A name with a single quote.", createdAt: ago(12), versions: [runVersion(m.quoted, 1, ago(12))] },
    { name: m.unicode, description: "Übersetzung Deutsch → Englisch.", createdAt: ago(8), versions: [runVersion(m.unicode, 1, ago(8)), runVersion(m.unicode, 2, ago(6))], aliases: { champion: 1 } },
  ];
  return { models, runs: demoRuns(models) };
}

/**
 * The training runs behind the versions, for runs/get: params and metrics that move a little
 * from version to version. Versions with a run_link were trained on another tracking server, so
 * this one does not know their runs (Compare with Serving must say so).
 */
function demoRuns(models: readonly MlflowSeedModel[]): MlflowSeedRun[] {
  const runs: MlflowSeedRun[] = [];
  for (const model of models) {
    model.versions.forEach((v, i) => {
      if (!v.runId || v.runLink) return;
      const version = i + 1;
      const jitter = (createHash("sha256").update(v.runId).digest()[0] ?? 0) / 255;
      const end = v.createdAt ?? 0;
      runs.push({
        runId: v.runId,
        experimentId: mlflowDemo.experimentId,
        runName: `${model.name.replace(/[^\w-]+/gu, "-")}-train-${version}`,
        userId: "ml-pipeline@aiplatform.example",
        startTime: end - 3 * 3_600_000,
        endTime: end - 600_000,
        artifactUri: `mlflow-artifacts:/${mlflowDemo.experimentId}/${v.runId}/artifacts`,
        params: { learning_rate: String(2e-5 * (1 + (version % 3))), epochs: String(2 + version), batch_size: String(16 * 2 ** (version % 3)), seed: "42" },
        metrics: { accuracy: round(0.8 + 0.025 * version - 0.02 * jitter), f1: round(0.76 + 0.027 * version - 0.02 * jitter), eval_loss: round(0.62 - 0.05 * version + 0.03 * jitter) },
        tags: { "mlflow.source.git.commit": v.tags?.["mlflow.source.git.commit"] ?? "" },
      });
    });
  }
  return runs;
}

const round = (x: number): number => Math.round(x * 10_000) / 10_000;
