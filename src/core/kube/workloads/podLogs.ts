import type { KubeConfig } from "@kubernetes/client-node";
import { requestJson, streamLines } from "../client/kubeRequest";

export interface LogSource {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
}

export interface LogLine {
  readonly time: string;
  readonly source: LogSource;
  readonly text: string;
}

/** Reads the tail of one container's log, with the kubelet's RFC 3339 timestamps. */
export async function readPodLog(kc: KubeConfig, source: LogSource, tailLines: number, signal?: AbortSignal): Promise<LogLine[]> {
  const query = new URLSearchParams({ container: source.container, timestamps: "true", tailLines: String(tailLines) });
  const text = (await requestJson(kc, "GET", `/api/v1/namespaces/${encodeURIComponent(source.namespace)}/pods/${encodeURIComponent(source.pod)}/log?${query.toString()}`, {
    accept: "text/plain",
    ...(signal ? { signal } : {}),
  })) as string;
  return text
    .split("\n")
    .filter((l) => l.length > 0)
    .map((line) => parseLine(line, source));
}

function parseLine(line: string, source: LogSource): LogLine {
  const space = line.indexOf(" ");
  return space > 0 ? { time: line.slice(0, space), source, text: line.slice(space + 1) } : { time: "", source, text: line };
}

/** Follows one container's log (`kubectl logs -f`), from its last `tailLines`, until aborted or the container ends. */
export function followPodLog(kc: KubeConfig, source: LogSource, tailLines: number, onLine: (line: LogLine) => void, signal: AbortSignal): Promise<void> {
  const query = new URLSearchParams({ container: source.container, timestamps: "true", tailLines: String(tailLines), follow: "true" });
  return streamLines(kc, `/api/v1/namespaces/${encodeURIComponent(source.namespace)}/pods/${encodeURIComponent(source.pod)}/log?${query.toString()}`, (l) => onLine(parseLine(l, source)), signal);
}

/**
 * Lines of several containers in one time order. RFC 3339 timestamps with the same precision
 * sort as strings; the sort is stable, so a container's own order is kept on ties.
 */
export function mergeByTime(streams: readonly (readonly LogLine[])[]): LogLine[] {
  return streams.flat().sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
}

export function formatLogLine(line: LogLine, showSource: boolean): string {
  return showSource ? `${line.time} [${line.source.pod}/${line.source.container}] ${line.text}` : `${line.time} ${line.text}`;
}
