// What the pages may load: the app's own stylesheets, scripts, images and
// fonts (the DSFR is served by the app), nothing from elsewhere, no inline
// script or style, and forms posted to this site only.
const OWN_ASSETS = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

/** The people's pages. */
export const PAGE_CSP = OWN_ASSETS;

/** The learner's survey pages: the same, without any script. */
export const LEARNER_PAGE_CSP = { ...OWN_ASSETS, scriptSrc: ["'none'"] };
