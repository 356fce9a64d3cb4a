// Starts the GOV.UK Frontend components. The pages work without it; it only adds behaviour.
import { initAll } from "../govuk/js/govuk-frontend.min.js";

initAll();
