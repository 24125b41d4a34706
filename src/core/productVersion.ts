declare const __AIPLAT_VERSION__: string | undefined;

/** The version from package.json, stamped in by the build; "dev" when run from sources. */
export const productVersion: string = typeof __AIPLAT_VERSION__ === "string" ? __AIPLAT_VERSION__ : "0.0.0-dev";
