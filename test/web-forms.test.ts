// The action forms come from the API's schemas: one input per body field,
// named as the API names it, with a French label, and code lists offered
// with their French labels. A posted form becomes the body the API takes.
import { ACTION_BODIES, CreateJourney, LearnerInput } from '../api/schemas';
import { ACTIONS } from '../domain/transitions';
import { ACTION_LABELS, FIELD_LABELS } from '../web/labels';
import { bodyOf, describeFields } from '../web/forms/schema-fields';

test.each(ACTIONS.map((a) => [a]))('the %s form has a French-labelled input per API body field', (action) => {
  const shape = ACTION_BODIES[action].shape;
  const fields = describeFields(shape);
  expect(fields.map((f) => f.name)).toEqual(Object.keys(shape));
  for (const f of fields) {
    expect([f.name, f.label]).toEqual([f.name, FIELD_LABELS[f.name]]);
    for (const choice of f.choices ?? []) expect(choice.label).not.toBe(choice.value);
  }
  expect(ACTION_LABELS[action]).toBeTruthy();
});

test('the referral form labels every learner field in French', () => {
  const names = [...Object.keys(LearnerInput.shape), ...Object.keys(CreateJourney.shape)];
  for (const name of names.filter((n) => n !== 'learner' && n !== 'referrer')) {
    expect([name, FIELD_LABELS[name]]).toEqual([name, expect.any(String)]);
  }
});

test('posted strings become the body the API validates: yes/no, numbers, Paris times, empty left out', () => {
  const admit = describeFields(ACTION_BODIES.admit.shape);
  expect(bodyOf(admit, { startDate: '2027-01-15', durationMonths: '6', trainingTitle: '  ' })).toEqual({
    startDate: '2027-01-15',
    durationMonths: 6,
  });
  const refuse = describeFields(ACTION_BODIES.refuse.shape);
  expect(bodyOf(refuse, { reason: 'session_full', shareWithLearner: 'false' })).toEqual({
    reason: 'session_full',
    shareWithLearner: false,
  });
  const review = describeFields(ACTION_BODIES['take-in-review'].shape);
  expect(bodyOf(review, { interviewAt: '2027-01-15T10:30' })).toEqual({
    interviewAt: '2027-01-15T10:30:00+01:00',
  });
  expect(bodyOf(review, { interviewAt: '2027-07-15T10:30' })).toEqual({
    interviewAt: '2027-07-15T10:30:00+02:00',
  });
  expect(
    ACTION_BODIES['take-in-review'].safeParse(bodyOf(review, { interviewAt: '2027-07-15T10:30' })).success,
  ).toBe(true);
});
