/** What the page says when it cannot reach the memory, in words a person can act on. */
export const NOT_AUTHORIZED =
  'This page is not authorized to read your memory. Open the link that `hippo serve` printed (it carries the access token).';
export const NOT_ANSWERING = 'Hippo is not answering. Is `hippo serve` still running?';
