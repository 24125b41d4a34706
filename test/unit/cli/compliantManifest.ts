/** A digest that passes the production image rule. */
export const digest = `sha256:${"0f".repeat(32)}`;

/** Passes every gate in both environments: digest-pinned image, requests and limits, both probes. */
export const compliant = `apiVersion: aiplatform.dev/v1
kind: InferenceServiceManifest
name: chat
runtime: vllm
model:
  storageUri: hf://meta-llama/Llama-3.1-8B-Instruct
image: vllm/vllm-openai@${digest}
port: 8000
resources:
  cpu: "4"
  memory: 32Gi
probes:
  readiness: {path: /health}
  liveness: {path: /health}
environments:
  dev:
    context: kind-dev
    namespace: llm-dev
  prod:
    context: aks-prod
    namespace: llm
    production: true
`;
