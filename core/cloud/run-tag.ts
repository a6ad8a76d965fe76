/** The tag every cloud resource a build creates carries (AWS and Azure alike), so a sweep can find what a killed run left. */
export const RUN_ID_TAG = 'bakehouse:run-id';

/** Set by a cloud builder's last step on the images a build finished (AWS and Azure alike): they are its output, not leftovers. */
export const COMPLETED_TAG = 'bakehouse:completed';

/**
 * The same as a Google Cloud label: label keys take only lowercase letters, digits, `_` and `-`
 * (cloud.google.com/compute/docs/labeling-resources#requirements), so no colon.
 */
export const RUN_ID_LABEL = 'bakehouse-run-id';

/** COMPLETED_TAG as a Google Cloud label, set on the image a googlecompute build finished. */
export const COMPLETED_LABEL = 'bakehouse-completed';
