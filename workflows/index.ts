// Entry point of the workflow bundle.
export { learnerJourney } from './journey';
