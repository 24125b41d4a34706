import type { Page, RegistryResult, SearchOptions } from "./modelRegistry";

/**
 * Every page of a registry search, following next_page_token until MLflow leaves it out (the last
 * page). A server that hands back a token it already gave is a failure, not an endless walk.
 */
export async function allPages<T>(search: (o: SearchOptions) => Promise<RegistryResult<Page<T>>>, options: SearchOptions): Promise<RegistryResult<T[]>> {
  const items: T[] = [];
  const seen = new Set<string>();
  let pageToken: string | undefined;
  do {
    const page = await search({ ...options, ...(pageToken !== undefined ? { pageToken } : {}) });
    if (!page.ok) return page;
    items.push(...page.value.items);
    pageToken = page.value.nextPageToken;
    if (pageToken !== undefined && seen.has(pageToken)) return { ok: false, failure: { kind: "bad-response", status: 200, detail: "the registry returned the same page token twice; stopped paging" } };
    if (pageToken !== undefined) seen.add(pageToken);
  } while (pageToken !== undefined);
  return { ok: true, value: items };
}
