import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { allViewItems, CommandId, ContextKey, ExtensionId, MutatingCommandIds, SettingKey, ViewContainerId, ViewId, ViewItem } from "../../../src/editor/contributionIds";

interface Manifest {
  name: string;
  publisher: string;
  main: string;
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } };
  contributes: {
    viewsContainers: { activitybar: { id: string; title: string }[] };
    views: Record<string, { id: string; name: string }[]>;
    viewsWelcome: { view: string; contents: string; when: string }[];
    commands: { command: string; title: string; icon?: string }[];
    menus: Record<string, { command: string; when?: string }[]>;
    configuration: { properties: Record<string, unknown> };
    yamlValidation?: { fileMatch: string[]; url: string }[];
    walkthroughs?: { id: string; steps: { id: string; description: string }[] }[];
  };
}

const manifest = JSON.parse(readFileSync(path.resolve(__dirname, "../../../package.json"), "utf8")) as Manifest;
const c = manifest.contributes;
const allWhen = [...c.viewsWelcome.map((w) => w.when), ...Object.values(c.menus).flatMap((m) => m.map((i) => i.when ?? ""))].join(" ");

describe("package.json agrees with src/editor/contributionIds.ts", () => {
  test("extension id", () => {
    expect(`${manifest.publisher}.${manifest.name}`).toBe(ExtensionId);
  });

  test("commands: every id is contributed and every contribution has an id", () => {
    expect(c.commands.map((x) => x.command).sort()).toEqual(Object.values(CommandId).sort());
  });

  test("views: the AI Platform container holds Models, Deployments and GPU Nodes", () => {
    expect(c.viewsContainers.activitybar).toContainEqual(expect.objectContaining({ id: ViewContainerId, title: "AI Platform" }));
    expect(c.views[ViewContainerId]?.map((v) => [v.id, v.name])).toEqual([
      [ViewId.models, "Models"],
      [ViewId.deployments, "Deployments"],
      [ViewId.gpuNodes, "GPU Nodes"],
    ]);
  });

  test("settings and Restricted Mode's restricted settings are real keys", () => {
    expect(Object.keys(c.configuration.properties).sort()).toEqual(Object.values(SettingKey).sort());
    for (const key of manifest.capabilities.untrustedWorkspaces.restrictedConfigurations) expect(Object.values(SettingKey)).toContain(key);
    expect(manifest.capabilities.untrustedWorkspaces.supported).toBe("limited");
  });

  test("every aiPlatform.* context key in a when clause is one the extension sets", () => {
    // View ids appear in when clauses too ("view == aiPlatform.deployments"); they are not context keys.
    const used = new Set(allWhen.replace(/view == aiPlatform\.\w+/g, "").match(/aiPlatform\.[A-Za-z]+/g) ?? []);
    expect([...used].filter((k) => !(Object.values(ContextKey) as string[]).includes(k))).toEqual([]);
  });

  test("row actions that change the cluster are offered only on the rows they act on, never in the palette", () => {
    // In Restricted Mode they stay visible and refuse with an explanation (see environmentTarget.ts).
    for (const id of [CommandId.restartWorkload, CommandId.scaleWorkload, CommandId.cordonNode, CommandId.uncordonNode, CommandId.promoteCanary]) {
      expect(MutatingCommandIds).toContain(id);
      expect(c.menus["commandPalette"]?.find((e) => e.command === id)?.when).toBe("false");
      const rows = (c.menus["view/item/context"] ?? []).filter((e) => e.command === id);
      expect(rows.length).toBeGreaterThan(0);
      for (const e of rows) expect(e.when).toMatch(/viewItem =~/);
    }
  });

  test("Deploy and Check sit on aiplatform.yaml's editor title; Roll Back on workload and revision rows", () => {
    const title = c.menus["editor/title"] ?? [];
    for (const id of [CommandId.deployService, CommandId.checkManifest]) expect(title.find((e) => e.command === id)?.when).toMatch(/resourceFilename =~ \/\^aiplatform/);
    const rows = (c.menus["view/item/context"] ?? []).filter((e) => e.command === CommandId.rollbackWorkload).map((e) => e.when ?? "");
    expect(rows.some((w) => /viewItem =~ \/\^workload/.test(w))).toBe(true);
    expect(rows.some((w) => /viewItem == revision/.test(w))).toBe(true);
  });

  test("the manifest's JSON Schema is contributed for aiplatform.yaml, and the walkthrough's steps run real commands", () => {
    expect(c.yamlValidation?.[0]).toMatchObject({ fileMatch: ["aiplatform.yaml", "aiplatform.yml"], url: "./schemas/aiplatform.schema.json" });
    const steps = c.walkthroughs?.[0]?.steps ?? [];
    expect(steps.map((s) => s.id)).toEqual(["scaffold", "deploy", "watch", "rollback"]);
    const links = steps.flatMap((s) => [...s.description.matchAll(/\(command:([\w.]+)\)/g)].map((m) => m[1]));
    const known = [...c.commands.map((cmd) => cmd.command), `${ViewId.deployments}.focus`];
    expect(links.filter((l) => !known.includes(l ?? ""))).toEqual([]);
  });
});

describe("viewsWelcome", () => {
  test("links only to contributed commands", () => {
    const links = c.viewsWelcome.flatMap((w) => [...w.contents.matchAll(/\(command:([\w.]+)/g)].map((m) => m[1]));
    expect(links.length).toBeGreaterThan(0);
    expect(links.filter((l) => !c.commands.some((cmd) => cmd.command === l))).toEqual([]);
  });

  test.each(Object.values(ViewId))("%s has welcome content for every kubeconfig state", (view) => {
    const whens = c.viewsWelcome.filter((w) => w.view === view).map((w) => w.when);
    for (const state of ["missing", "invalid", "ready"]) expect(whens.some((w) => w.includes(`kubeconfigState == ${state}`))).toBe(true);
  });
});

describe("activation is lazy", () => {
  test("never '*'; views and commands are left to VS Code, which infers them from contributes (>= 1.74)", () => {
    expect(manifest.activationEvents).not.toContain("*");
    expect(manifest.activationEvents.filter((e) => e.startsWith("onStartup"))).toEqual([]);
    expect(manifest.activationEvents.filter((e) => e.startsWith("onView:") || e.startsWith("onCommand:"))).toEqual([]);
    expect(manifest.activationEvents).toContain("workspaceContains:**/aiplatform.yaml");
  });
});

describe("viewItem clauses in menus agree with the contextValues the trees set (ViewItem)", () => {
  const produced = allViewItems();
  const clauses = Object.values(c.menus)
    .flat()
    .flatMap((e) => [
      ...[...(e.when ?? "").matchAll(/viewItem == ([\w.]+)/g)].map((m) => ({ when: e.when, test: (v: string) => v === m[1] })),
      ...[...(e.when ?? "").matchAll(/viewItem =~ \/(.+?)\/(?=\s|$)/g)].map((m) => ({ when: e.when, test: (v: string) => new RegExp(m[1] ?? "").test(v) })),
    ]);
  /** Rows that are only read: no menu acts on them. */
  const rowsWithoutActions = [
    ViewItem.namespace,
    ViewItem.group("pods"),
    ViewItem.group("revisions"),
    ViewItem.group("events"),
    ViewItem.revision(true),
    ViewItem.event("normal"),
    ViewItem.event("warning"),
    ViewItem.nodePool,
    ViewItem.pendingGpuPods,
    ViewItem.loadMore,
    ViewItem.registryProblem,
  ];

  test("every clause matches a contextValue some row can have", () => {
    expect(clauses.length).toBeGreaterThan(10);
    expect(clauses.filter((cl) => !produced.some(cl.test)).map((cl) => cl.when)).toEqual([]);
  });

  test("every contextValue a row can have is picked by some clause, unless the row has no actions", () => {
    expect(produced.filter((v) => !clauses.some((cl) => cl.test(v))).sort()).toEqual([...rowsWithoutActions].sort());
  });

  test("the clauses pick the rows they are meant for", () => {
    const picks = (command: string, value: string): boolean =>
      (c.menus["view/item/context"] ?? []).filter((e) => e.command === command).some((e) => clauses.some((cl) => cl.when === e.when && cl.test(value)));
    expect(picks(CommandId.cordonNode, ViewItem.node(true, false))).toBe(true);
    expect(picks(CommandId.cordonNode, ViewItem.node(true, true))).toBe(false);
    expect(picks(CommandId.uncordonNode, ViewItem.node(false, true))).toBe(true);
    expect(picks(CommandId.promoteCanary, ViewItem.workload("InferenceService", "Healthy", true))).toBe(true);
    expect(picks(CommandId.promoteCanary, ViewItem.workload("InferenceService", "Healthy", false))).toBe(false);
    expect(picks(CommandId.rollbackWorkload, ViewItem.revision(false))).toBe(true);
    expect(picks(CommandId.rollbackWorkload, ViewItem.revision(true))).toBe(false);
    expect(picks(CommandId.scaleWorkload, ViewItem.workload("Deployment", "Degraded", false))).toBe(true);
    expect(picks(CommandId.scaleWorkload, ViewItem.workload("InferenceService", "Degraded", false))).toBe(false);
  });
});
