import * as z from "zod";
import type { ModelVersion, RegisteredModel, RunSummary, Tag } from "./modelRegistry";

/**
 * MLflow's registry entities and responses as they travel (mlflow/protos/model_registry.proto,
 * serialised by mlflow/utils/proto_json_utils.py `message_to_json`): snake_case names, every field
 * optional (proto2) and omitted when unset, `version` a string, int64 timestamps as JSON numbers
 * (MLflow undoes protobuf's int64-as-string). Parsing is lenient where servers differ and strict
 * where the product depends on it: a version needs a name and a version.
 */

/** int64: MLflow sends a number; protobuf's own JSON (and some compatible servers) a decimal string. */
const Int64 = z.union([z.number().finite(), z.string().regex(/^-?\d+$/).transform(Number)]);
/** A version is a string on the wire; a server that sends the number is taken at its word. */
const VersionString = z.union([z.string().min(1), z.number().int().nonnegative().transform(String)]);

const WireTag = z.object({ key: z.string(), value: z.string().default("") });

export const WireModelVersion = z.object({
  name: z.string().min(1),
  version: VersionString,
  creation_timestamp: Int64.optional(),
  last_updated_timestamp: Int64.optional(),
  user_id: z.string().optional(),
  current_stage: z.string().optional(),
  description: z.string().optional(),
  source: z.string().optional(),
  run_id: z.string().optional(),
  status: z.string().optional(),
  status_message: z.string().optional(),
  tags: z.array(WireTag).default([]),
  run_link: z.string().optional(),
  aliases: z.array(z.string()).default([]),
});
export type WireModelVersion = z.infer<typeof WireModelVersion>;

const WireAlias = z.object({ alias: z.string().min(1), version: VersionString });

export const WireRegisteredModel = z.object({
  name: z.string().min(1),
  creation_timestamp: Int64.optional(),
  last_updated_timestamp: Int64.optional(),
  description: z.string().optional(),
  latest_versions: z.array(WireModelVersion).default([]),
  tags: z.array(WireTag).default([]),
  aliases: z.array(WireAlias).default([]),
});
export type WireRegisteredModel = z.infer<typeof WireRegisteredModel>;

/** An opaque token; "" is read as absent, as the Python client does (`if not page_token`). */
const PageToken = z
  .string()
  .optional()
  .transform((t) => (t === "" ? undefined : t));

export const SearchRegisteredModelsResponse = z.object({ registered_models: z.array(WireRegisteredModel).default([]), next_page_token: PageToken });
export const GetRegisteredModelResponse = z.object({ registered_model: WireRegisteredModel });
export const SearchModelVersionsResponse = z.object({ model_versions: z.array(WireModelVersion).default([]), next_page_token: PageToken });
export const ModelVersionResponse = z.object({ model_version: WireModelVersion });
export const GetLatestVersionsResponse = z.object({ model_versions: z.array(WireModelVersion).default([]) });
export const DownloadUriResponse = z.object({ artifact_uri: z.string().min(1) });
/** Mutations answer `{}`; anything else in an object is ignored. */
export const EmptyResponse = z.object({});

/** A double: protobuf's JSON writes NaN and the infinities as strings. */
const Double = z.union([z.number(), z.enum(["NaN", "Infinity", "-Infinity"]).transform(Number)]);

/** runs/get (mlflow/protos/service.proto `GetRun`): only what Compare with Serving shows. */
export const GetRunResponse = z.object({
  run: z.object({
    info: z.object({ run_id: z.string().optional(), run_uuid: z.string().optional() }).default({}),
    data: z
      .object({
        metrics: z.array(z.object({ key: z.string(), value: Double, timestamp: Int64.optional(), step: Int64.optional() })).default([]),
        params: z.array(WireTag).default([]),
      })
      .default({ metrics: [], params: [] }),
  }),
});

/** MLflow's error body (mlflow/exceptions.py `serialize_as_json`), possibly with extra keys. */
export const WireError = z.object({ error_code: z.string().min(1), message: z.string().default("") });

function toTags(tags: readonly z.infer<typeof WireTag>[]): Tag[] {
  return tags.map(({ key, value }) => ({ key, value }));
}

export function toModelVersion(w: WireModelVersion): ModelVersion {
  return {
    name: w.name,
    version: w.version,
    ...(w.creation_timestamp === undefined ? {} : { creationTimestamp: w.creation_timestamp }),
    ...(w.last_updated_timestamp === undefined ? {} : { lastUpdatedTimestamp: w.last_updated_timestamp }),
    ...(w.user_id === undefined ? {} : { userId: w.user_id }),
    ...(w.current_stage === undefined ? {} : { currentStage: w.current_stage }),
    ...(w.description === undefined ? {} : { description: w.description }),
    ...(w.source === undefined ? {} : { source: w.source }),
    ...(w.run_id === undefined ? {} : { runId: w.run_id }),
    ...(w.run_link === undefined ? {} : { runLink: w.run_link }),
    ...(w.status === undefined ? {} : { status: w.status }),
    ...(w.status_message === undefined ? {} : { statusMessage: w.status_message }),
    tags: toTags(w.tags),
    aliases: [...w.aliases],
  };
}

export function toRegisteredModel(w: WireRegisteredModel): RegisteredModel {
  return {
    name: w.name,
    ...(w.creation_timestamp === undefined ? {} : { creationTimestamp: w.creation_timestamp }),
    ...(w.last_updated_timestamp === undefined ? {} : { lastUpdatedTimestamp: w.last_updated_timestamp }),
    ...(w.description === undefined ? {} : { description: w.description }),
    latestVersions: w.latest_versions.map(toModelVersion),
    tags: toTags(w.tags),
    aliases: w.aliases.map(({ alias, version }) => ({ alias, version })),
  };
}

/** runs/get lists the latest value per metric key; the run id comes from the request when info leaves it out. */
export function toRunSummary(runId: string, w: z.output<typeof GetRunResponse>): RunSummary {
  return {
    runId: w.run.info.run_id ?? w.run.info.run_uuid ?? runId,
    metrics: w.run.data.metrics.map(({ key, value }) => ({ key, value })),
    params: toTags(w.run.data.params),
  };
}
