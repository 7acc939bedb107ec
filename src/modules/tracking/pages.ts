import { escapeHtml } from './html.js';

/** The small pages a recipient sees; plain HTML with inline styles (the CSP allows no script). */
function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${escapeHtml(title)}</title>
<style>
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f6f7f9;color:#1f2328}
main{max-width:28rem;margin:15vh auto 0;padding:2rem;background:#fff;border:1px solid #d8dee4;border-radius:8px}
h1{font-size:1.25rem;margin:0 0 1rem}
p{line-height:1.5;margin:0 0 1rem}
button{font:inherit;padding:.6rem 1.2rem;border:0;border-radius:6px;background:#cf222e;color:#fff;cursor:pointer}
</style>
</head>
<body><main>${body}</main></body>
</html>
`;
}

export function unsubscribeConfirmPage(input: { maskedEmail: string; workspaceName: string }): string {
  const question = `Unsubscribe ${input.maskedEmail} from ${input.workspaceName} emails?`;
  // No action attribute: the form posts back to this same /u/<token> URL.
  return page(question, `<h1>${escapeHtml(question)}</h1>
<p>You will not receive further emails from ${escapeHtml(input.workspaceName)}.</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`);
}

export function unsubscribedPage(input: { maskedEmail: string; workspaceName: string }): string {
  return page('You are unsubscribed', `<h1>You are unsubscribed</h1>
<p>${escapeHtml(input.maskedEmail)} will not receive further emails from ${escapeHtml(input.workspaceName)}.</p>`);
}

export function invalidLinkPage(): string {
  return page('Link not found', `<h1>This link is not valid</h1>
<p>It may have been copied incompletely. Please use the link from the email you received.</p>`);
}
