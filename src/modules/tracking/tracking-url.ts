/** A hostname (optionally with a port) as stored in workspaces.tracking_domain. */
const HOST_RE = /^(?=.{1,253}(?::\d{1,5})?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::\d{1,5})?$/i;

/**
 * Where a workspace's open, click and unsubscribe links point: https://<tracking domain> when
 * the workspace has one (a CNAME to this server), else the instance's PUBLIC_URL. A value that
 * is not a plain hostname is ignored rather than pasted into a URL.
 */
export function trackingBaseUrl(publicUrl: string, trackingDomain: string | null | undefined): string {
  const domain = trackingDomain?.trim().replace(/\.$/, '');
  if (domain && HOST_RE.test(domain)) return `https://${domain.toLowerCase()}`;
  return publicUrl.replace(/\/+$/, '');
}
