/**
 * The one module that loads @azure/arm-monitor (and with it @azure/core-rest-pipeline). It is
 * reached only through a dynamic import from azureMonitorSource.ts, so the SDK stays off the
 * extension's activation path; the build can put it in a lazy bundle of its own.
 */
import { MonitorClient, type MonitorClientOptionalParams } from "@azure/arm-monitor";
import type { TokenCredential } from "@azure/core-auth";

export function createMonitorClient(credential: TokenCredential, options: MonitorClientOptionalParams): MonitorClient {
  return new MonitorClient(credential, options);
}
