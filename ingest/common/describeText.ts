/**
 * Says what a file that is not JSON looks like, from its first line, so the error can point
 * to the right command instead of just "invalid JSON".
 */
export function describeNonJson(firstLine: string): { looksLike: string; hint?: string } {
  const line = firstLine.replace(/[\u0000-\u0008\u000e-\u001f]/g, '?');
  if (/^version account-id /.test(line) || /^\d+ (\d{6,14}|unknown) (eni-|-)/.test(line) || /^(account-id|interface-id|version) .*(srcaddr|dstaddr)/.test(line)) {
    return { looksLike: 'a VPC flow log', hint: 'Flow logs have their own command: `trailhound ingest vpcflow`.' };
  }
  if (/[\u0000-\u0008]/.test(firstLine)) return { looksLike: 'a binary file (neither JSON nor gzip)' };
  if (/^<(\?xml|!doctype|html)/i.test(line)) return { looksLike: 'XML or HTML, not JSON' };
  if (/^PAR1/.test(line)) return { looksLike: 'a Parquet file' };
  const shown = line.length > 80 ? `${line.slice(0, 80)}…` : line;
  return { looksLike: `text that is not JSON (it starts with ${JSON.stringify(shown)})` };
}
