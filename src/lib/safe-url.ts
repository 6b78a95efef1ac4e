// Link targets taken from data (an advisory's references): only http(s) ever becomes a link.

/** A link target that can only be http(s); anything else (javascript:, data:) becomes a dead link. */
export function safeUrl(url: string): string {
  return /^https?:\/\//i.test(url.trim()) ? url.trim() : '#';
}
