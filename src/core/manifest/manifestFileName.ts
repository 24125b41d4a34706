/** The service manifest's file name; editors also accept the .yml spelling. */
export const manifestFileName = "aiplatform.yaml";
export const manifestFileNames: readonly string[] = [manifestFileName, "aiplatform.yml"];
