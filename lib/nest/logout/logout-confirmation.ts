/**
 * The page a logout GET gets when it may come from another site: one button that POSTs to the same
 * URL (no `action`: the form submits to the page's own address), which then passes the same-origin
 * check. Static text only: nothing from the request is written into it.
 */
export function logoutConfirmationPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Log out?</title>
<style>body{font-family:system-ui,sans-serif;max-width:480px;margin:64px auto;padding:0 16px;color:#1d2129}
button{padding:10px 20px;border:0;border-radius:4px;background:#215ae5;color:#fff;font-size:1em;cursor:pointer}</style>
</head><body>
<h1>Log out?</h1>
<p>Do you want to log out of this application?</p>
<form method="post" id="logout-confirm"><button type="submit" id="logout-confirm-button">Log out</button></form>
<p><a href="/">Stay logged in</a></p>
</body></html>`;
}
