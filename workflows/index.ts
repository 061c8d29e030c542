// Entry point of the workflow bundle.
export { learnerJourney } from './journey';
export { webhookDelivery } from './webhooks';
