// Loaded synchronously at the start of <body> (no inline script, so the CSP needs no 'unsafe-inline').
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
