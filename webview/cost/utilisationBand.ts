/**
 * The bands for GPU utilisation: green at 60 % or more, amber from 50 % up to 60 %, red
 * below 50 %. Said in words beside the colour, so the band does not rest on colour alone.
 */
export type UtilisationBand = "good" | "fair" | "poor" | "unknown";

export function utilisationBand(pct: number | null | undefined): UtilisationBand {
  if (pct === null || pct === undefined || !Number.isFinite(pct)) return "unknown";
  if (pct >= 60) return "good";
  if (pct >= 50) return "fair";
  return "poor";
}

export const bandText: Record<UtilisationBand, string> = {
  good: "at or above 60 %",
  fair: "50–60 %",
  poor: "below 50 %",
  unknown: "no dcgm-exporter data",
};
