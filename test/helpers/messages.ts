import type { BuildMessage } from "./build.js";

/** A slimfn message as the user sees it: code, message, where. */
export interface SeenDiagnostic {
  code: string;
  message: string;
  plugin: string;
  location: { file: string; line: number; column: number } | null;
}

/**
 * Bundlers keep a plugin message's `text` but may drop its `detail` (esbuild does for onEnd
 * results), so the code travels in the text as `CODE: message`.
 */
export function seen(messages: readonly BuildMessage[]): SeenDiagnostic[] {
  return messages.map((m) => {
    const match = /^([A-Z][A-Z0-9_]+): ([\s\S]*)$/.exec(m.text);
    return {
      code: match?.[1] ?? "",
      message: match?.[2] ?? m.text,
      plugin: m.pluginName,
      location: m.location ? { file: m.location.file, line: m.location.line, column: m.location.column } : null,
    };
  });
}
