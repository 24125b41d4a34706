/**
 * Where Open in MLflow goes. MLflow's UI routes are hash routes (#/models/<name> and
 * #/models/<name>/versions/<v>, mlflow/server/js routes), so a name with a slash, space or '#'
 * is percent-encoded as one segment. Azure ML's studio has its own routes, not MLflow's, and
 * documents no deep link we could build from the tracking URI alone: it opens the studio (or the
 * configured uiUrl) as is.
 */
export function modelPageUrl(page: { readonly kind: "mlflow" | "azureml"; readonly uiUrl: string; readonly model: string; readonly version?: string | undefined }): string {
  const base = page.uiUrl.replace(/\/+$/, "");
  if (page.kind === "azureml") return base;
  const model = `${base}/#/models/${encodeURIComponent(page.model)}`;
  return page.version === undefined ? model : `${model}/versions/${encodeURIComponent(page.version)}`;
}
