/**
 * A generated registry for the models bench: `models` registered models named model-0,
 * model-1, … (the names of scaleScenario's Deployments, so served-by has real work), each with
 * `versionsPerModel` versions. Deterministic: the same arguments give the same registry.
 * Every version's source is a storage URI (half S3, half the proxied store), version 1 holds
 * `champion`, the newest `challenger`; every fifth model still uses stages.
 */
import { type MlflowSeed, type MlflowSeedModel, type MlflowSeedVersion } from "./mlflowSeed";

/** A fixed origin, so timestamps do not depend on the day the bench runs. */
const origin = Date.UTC(2026, 0, 1);
const hour = 3_600_000;

function runId(model: number, version: number): string {
  // 32 hex characters, like MLflow's uuid4().hex run ids.
  return ((model * 100_003 + version) * 2_654_435_761).toString(16).padStart(32, "0").slice(-32);
}

export function scaleRegistrySeed(models: number, versionsPerModel: number): MlflowSeed {
  const seed: MlflowSeedModel[] = [];
  for (let m = 0; m < models; m++) {
    const name = `model-${m}`;
    const staged = m % 5 === 0;
    const versions: MlflowSeedVersion[] = [];
    for (let v = 1; v <= versionsPerModel; v++) {
      const id = runId(m, v);
      versions.push({
        source: m % 2 === 0 ? `s3://bench-models/${name}/${v}` : `mlflow-artifacts:/${m % 17}/${id}/artifacts/model`,
        runId: id,
        userId: `team-${m % 5}@bench.example`,
        createdAt: origin + (m * versionsPerModel + v) * hour,
        tags: { "mlflow.source.git.commit": id.padEnd(40, "0"), training_data: `s3://bench-data/${name}/v${v}` },
        ...(staged ? { stage: v === versionsPerModel ? "Production" : v === versionsPerModel - 1 ? "Staging" : "Archived" } : {}),
      });
    }
    seed.push({
      name,
      description: `Bench model ${m}.`,
      tags: { team: `team-${m % 5}` },
      createdAt: origin + m * versionsPerModel * hour,
      versions,
      aliases: versionsPerModel > 0 ? { champion: 1, ...(versionsPerModel > 1 ? { challenger: versionsPerModel } : {}) } : {},
    });
  }
  return { models: seed };
}

/**
 * What scaleScenario's Deployment model-<d> serves, for the bench to put in its
 * aiplatform.dev/model annotation: models:/model-<d>/<v> while d < models (a version that
 * exists, cycling through them), and a model the registry lacks beyond that, so served-by meets
 * both "registered" and "serving, not in the registry".
 */
export function scaleModelReference(deployment: number, models: number, versionsPerModel: number): string {
  if (deployment >= models || versionsPerModel < 1) return `models:/model-${deployment}/1`;
  return `models:/model-${deployment}/${(deployment % versionsPerModel) + 1}`;
}
