export function ensureDependencies(log?: (m: string) => void): void;
export function ensureChromium(
  log?: (m: string) => void,
  options?: { chromium?: string; isRoot?: boolean },
): void;
