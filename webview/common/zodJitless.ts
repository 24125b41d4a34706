/**
 * Imported first by every webview entry, before any schema exists: zod decides when it builds an
 * object schema whether to compile its parser with new Function(), and that probe is refused by
 * the webview's CSP (no 'unsafe-eval') and reported as a violation. Interpreted parsing is fast
 * enough for messages.
 */
import * as z from "zod";

z.config({ jitless: true });
