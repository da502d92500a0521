// Runs before the page paints, so GOV.UK Frontend's "JavaScript is on" styles apply with no flash (no inline script: CSP).
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
