/** The tag every cloud resource a build creates carries (AWS and Azure alike), so a sweep can find what a killed run left. */
export const RUN_ID_TAG = 'bakehouse:run-id';
