// Dynamic route segments: correlation IDs contain ':' and may contain '%'; a segment that
// still carries percent-escapes is decoded once (a malformed escape is kept verbatim).

export function decodeSegment(segment: string): string {
  if (!/%[0-9A-Fa-f]{2}/.test(segment)) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
