import { parseScenario, type Scenario } from "../../sandbox/scenario";

/** A cluster of one Ready CPU node and the given namespaces: enough for controllers to run pods. */
export function oneNodeScenario(namespaces: readonly string[], allocatable: { cpu: string; memory: string }): Scenario {
  return parseScenario(`
namespaces:
${namespaces.map((n) => `  - metadata: {name: ${n}}`).join("\n")}
nodes:
  - metadata: {name: cpu-0, labels: {kubernetes.io/hostname: cpu-0}}
    status:
      allocatable: {cpu: "${allocatable.cpu}", memory: ${allocatable.memory}, pods: "110"}
      conditions: [{type: Ready, status: "True", reason: KubeletReady}]
      addresses: [{type: InternalIP, address: 10.224.0.5}]
`);
}
