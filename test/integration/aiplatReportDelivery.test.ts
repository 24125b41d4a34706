/**
 * `aiplat report delivery --context` against the sandbox with its controllers on: the rollout
 * history read through client-node counts deploys made without aiplat (here client-node's own
 * create and patch, as kubectl apply would), a real `aiplat rollback` marks the change failure,
 * the ReplicaSet the rollback reused is not a new deploy, and the namespace's team label names the team.
 */
import * as path from "node:path";
import { AppsV1Api, CoreV1Api, PatchStrategy, setHeaderOptions, type V1Deployment } from "@kubernetes/client-node";
import { beforeAll, describe, expect, test } from "vitest";
import { ExitCode } from "../../src/cli/aiplat";
import { DeliveryReport } from "../../src/shared/protocol/delivery";
import { runAiplat } from "../unit/cli/runAiplat";
import { eventually } from "./eventually";
import { oneNodeScenario } from "./oneNodeScenario";
import { useSandbox } from "./sandboxFixture";

const scenario = oneNodeScenario(["ml"], { cpu: "16", memory: "64Gi" });
const sandbox = useSandbox({ scenario, controllers: { msPerSecond: 10, podStartDelayMs: [10, 30] } });
const merge = setHeaderOptions("Content-Type", PatchStrategy.MergePatch);
const image = (tag: string): string => `aiplatform.azurecr.io/sentiment:${tag}`;
let apps: AppsV1Api;

async function settled(revision: string): Promise<void> {
  await eventually(async () => {
    const d: V1Deployment = await apps.readNamespacedDeployment({ namespace: "ml", name: "web" });
    expect(d.metadata?.annotations?.["deployment.kubernetes.io/revision"]).toBe(revision);
    expect(d.status?.observedGeneration).toBe(d.metadata?.generation);
    expect(d.status?.updatedReplicas).toBe(d.spec?.replicas);
  }, 15_000);
}

const aiplat = (...args: string[]) => runAiplat(args, { env: { KUBECONFIG: sandbox.kubeconfigFile }, cwd: sandbox.dir });

beforeAll(async () => {
  apps = sandbox.kc.makeApiClient(AppsV1Api);
  await sandbox.kc.makeApiClient(CoreV1Api).patchNamespace({ name: "ml", body: { metadata: { labels: { team: "sentiment-team" } } } }, merge);
  await apps.createNamespacedDeployment({
    namespace: "ml",
    body: {
      metadata: { name: "web" },
      spec: { replicas: 1, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "app", image: image("1.0") }] } } },
    },
  });
  await settled("1");
  // ReplicaSets' creation times have whole seconds: the two deploys must not share one.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  await apps.patchNamespacedDeployment({ namespace: "ml", name: "web", body: { spec: { template: { spec: { containers: [{ name: "app", image: image("2.0") }] } } } } }, merge);
  await settled("2");
  const rolledBack = await aiplat("rollback", "ml/web", "--reason", "5xx after 2.0", "--wait");
  expect(rolledBack.code).toBe(ExitCode.ok);
  await settled("3");
});

describe("aiplat report delivery --context", () => {
  test("deploys by others from the rollout history, the rollback from the audit log, the team from the namespace label", async () => {
    const context = sandbox.kc.getCurrentContext();
    const run = await aiplat("report", "delivery", "--context", context, "-o", "json");
    expect(run.err).toBe("");
    expect(run.code).toBe(ExitCode.ok);
    const report = DeliveryReport.parse(JSON.parse(run.out));
    expect(report.services.map((s) => [s.service.namespace, s.service.name, s.team, s.teamOrigin])).toEqual([["ml", "web", "sentiment-team", "namespace-label"]]);
    const web = report.services[0]!;
    // Revisions 1 and 2; revision 3 is revision 1's ReplicaSet again, renumbered by the rollback, not a third deploy.
    expect(web.deploys).toEqual({ succeeded: 2, byOthers: 2, failed: 0, cancelled: 0 });
    // Revision 2 was followed by the rollback within 24 h; revision 1 by an ordinary deploy.
    expect(web.changeFailure).toEqual({ judged: 2, failed: 1, rate: 0.5, pending: 0 });
    expect(web.changeFailures).toEqual([expect.objectContaining({ revision: "2", followedBy: "rollback", followedBySeq: 1 })]);
    // Nobody's attempts are known but aiplat's, and aiplat made no deploy.
    expect(web.deploymentSuccess).toEqual({ attempted: 0, succeeded: 0, rate: null });
    // The rollback came from a terminal, not from triage: no detection time to measure from.
    expect(web.timeToMitigate).toMatchObject({ count: 0, withoutDetection: 1 });
    expect(report.blindSpots).toEqual([]);
    expect(report.teams.map((t) => t.team)).toEqual(["sentiment-team"]);
  });

  test("a --service the audit log never names is still read from the cluster; one that does not exist is said", async () => {
    const context = sandbox.kc.getCurrentContext();
    const gone = await aiplat("report", "delivery", "--context", context, "--service", "ml/nothing-here", "-o", "json");
    const report = DeliveryReport.parse(JSON.parse(gone.out));
    expect(report.services).toEqual([]);
    expect(report.blindSpots).toEqual([{ kind: "history-unreadable", service: { context, namespace: "ml", kind: "Deployment", name: "nothing-here" }, reason: "not-found" }]);
    const table = await aiplat("report", "delivery", "--context", context, "--audit-log", path.join(sandbox.dir, ".aiplatform", "audit.jsonl"));
    expect(table.out).toMatch(/ml\/web\s+2 \(2 by others\)/);
    expect(table.out).toContain(`rollout history of ${context}`);
  });
});
