/** Plausible container output by image: vLLM, Triton, KServe model servers and FastAPI apps, and how each one crashes. */

type Flavour = "vllm" | "triton" | "kserve" | "fastapi";

function flavourOf(image: string): Flavour {
  if (image.includes("vllm")) return "vllm";
  if (image.includes("tritonserver")) return "triton";
  if (/kserve\/|sklearnserver|xgbserver|huggingfaceserver/.test(image)) return "kserve";
  return "fastapi";
}

function stamp(now: Date): string {
  return now.toISOString().replace("T", " ").replace("Z", "");
}

export function startupLines(image: string, pod: string, now: Date): string[] {
  const t = stamp(now);
  switch (flavourOf(image)) {
    case "vllm":
      return [
        `INFO ${t} api_server.py:528] vLLM API server version 0.6.3`,
        `INFO ${t} model_runner.py:1060] Loading model weights took 16.4470 GB`,
        `INFO ${t} launcher.py:19] Available routes are: /health, /v1/models, /v1/chat/completions, /v1/completions`,
        "INFO:     Uvicorn running on http://0.0.0.0:8000 (Press CTRL+C to quit)",
      ];
    case "triton":
      return [
        `I${t} 1 server.cc:674] | Model          | Version | Status |`,
        `I${t} 1 grpc_server.cc:2513] Started GRPCInferenceService at 0.0.0.0:8001`,
        `I${t} 1 http_server.cc:4497] Started HTTPService at 0.0.0.0:8000`,
        `I${t} 1 http_server.cc:270] Started Metrics Service at 0.0.0.0:8002`,
      ];
    case "kserve":
      return [
        `${t} 1 kserve INFO [storage.py:download():66] Copying contents of /mnt/models to local`,
        `${t} 1 kserve INFO [model_server.py:start():161] Registering model: ${pod.replace(/-predictor.*$/, "")}`,
        `${t} 1 kserve INFO [model_server.py:start():197] Starting uvicorn with 1 workers`,
      ];
    case "fastapi":
      return ["INFO:     Started server process [1]", "INFO:     Waiting for application startup.", "INFO:     Application startup complete.", "INFO:     Uvicorn running on http://0.0.0.0:8080 (Press CTRL+C to quit)"];
  }
}

export function crashLines(image: string, now: Date): string[] {
  const t = stamp(now);
  switch (flavourOf(image)) {
    case "vllm":
      return [`ERROR ${t} engine.py:387] torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1.96 GiB. GPU 0 has a total capacity of 79.15 GiB of which 1.02 GiB is free.`, "RuntimeError: Engine process failed to start"];
    case "triton":
      return [`E${t} 1 model_repository_manager.cc:1335] failed to load 'ensemble_ocr' version 1: Invalid argument: model input 'INPUT0' has no dims`, `I${t} 1 server.cc:305] Exiting: Internal - failed to load all models`];
    case "kserve":
      return [`${t} 1 kserve ERROR [__main__.py:<module>():41] Failed to start model server: RuntimeError: Failed to load model from /mnt/models: file not found`];
    case "fastapi":
      return [
        "Traceback (most recent call last):",
        '  File "/app/main.py", line 14, in <module>',
        '    session = onnxruntime.InferenceSession(os.environ["MODEL_PATH"])',
        "KeyError: 'MODEL_PATH'",
      ];
  }
}

export function unhealthyLine(): string {
  return 'INFO:     10.244.0.1:52114 - "GET /health HTTP/1.1" 503 Service Unavailable';
}
