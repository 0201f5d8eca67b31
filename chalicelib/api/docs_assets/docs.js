// Starts Swagger UI on this API's OpenAPI document. A file rather than an inline script:
// the page's Content-Security-Policy runs scripts from this origin only.
"use strict";

(function () {
  // The document is /api/schema/ next to /api/docs/: resolved against this script's own
  // URL, it is found under any stage prefix (/prod/api/schema/) and whether or not the
  // page was asked for with its trailing slash.
  var schemaUrl = new URL("../schema/", document.currentScript.src).href;

  window.ui = SwaggerUIBundle({
    url: schemaUrl,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    // Swagger UI would otherwise send the document to its public validator.
    validatorUrl: null,
  });
})();
