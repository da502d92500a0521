// Start GOV.UK Frontend's components (kept out of the page so the Content-Security-Policy needs no inline script).
import { initAll } from "../govuk/govuk-frontend.min.js";

initAll();
