// The indicators a manager reads, computed from real journeys, and their
// definitions on hand-made rows.
import { indicators, startsByMonth, type StatsRow } from '../api/indicators';
import { startStack, today, type TestStack } from './support/stack';

function row(over: Partial<StatsRow> & { learner?: Partial<StatsRow['learner']> } = {}): StatsRow {
  const { learner, ...rest } = over;
  return {
    status: 'referred',
    fabriqueId: 'f1',
    fabriqueName: 'F1',
    region: 'Île-de-France',
    referredAt: new Date('2027-01-01T00:00:00Z'),
    decidedAt: null,
    plannedStartDate: null,
    startDate: null,
    exitKind: null,
    exitDate: null,
    certified: null,
    followUps: [],
    ...rest,
    learner: { gender: 'female', ageBand: '18_25', qpvResident: true, diplomaLevel: 'none', ...learner },
  };
}

describe('indicator definitions', () => {
  const started = (over: Partial<StatsRow> & { learner?: Partial<StatsRow['learner']> }) =>
    row({
      status: 'follow_up',
      decidedAt: new Date('2027-01-11T00:00:00Z'),
      plannedStartDate: new Date('2027-02-01T00:00:00Z'),
      startDate: new Date('2027-02-01T00:00:00Z'),
      ...over,
    });
  const rows = [
    started({
      exitKind: 'completed',
      certified: true,
      exitDate: new Date('2027-08-01T00:00:00Z'),
      followUps: [
        { milestone: '3m', status: 'answered', outcome: 'cdi' },
        { milestone: '6m', status: 'unknown', outcome: 'unknown' },
      ],
    }),
    started({
      exitKind: 'dropped_out',
      exitDate: new Date('2027-03-03T00:00:00Z'),
      learner: { gender: 'male', qpvResident: false, diplomaLevel: 'bac_plus_2', ageBand: '26_30' },
      followUps: [
        { milestone: '3m', status: 'answered', outcome: 'job_seeking' },
        { milestone: '6m', status: 'pending', outcome: null },
      ],
    }),
    row({ status: 'refused', decidedAt: new Date('2027-01-05T00:00:00Z') }),
    row({ status: 'referred' }),
  ];
  const s = indicators(rows, 10_000);

  test('counts by status and the admission rate over admissions and refusals', () => {
    expect(s.byStatus).toMatchObject({ follow_up: 2, refused: 1, referred: 1, admitted: 0 });
    expect(s.admissionRate).toBe(0.667);
  });

  test('the mix among learners who started', () => {
    expect(s.started).toBe(2);
    expect(s.amongStarted).toEqual({
      women: 0.5,
      qpvResidents: 0.5,
      bacOrBelow: 0.5,
      noDiploma: 0.5,
      under26: 0.5,
    });
  });

  test('completion, certification and dropout rates', () => {
    expect(s.completionRate).toBe(0.5);
    expect(s.certificationRate).toBe(1);
    expect(s.dropoutRate).toBe(0.5);
  });

  test('positive exits count over answered milestones, the response rate over due ones', () => {
    expect(s.followUps['3m']).toEqual({
      due: 2,
      answered: 2,
      positiveExits: 1,
      positiveExitRate: 0.5,
      responseRate: 1,
    });
    // 6m: one given up (due, not answered), one not yet due.
    expect(s.followUps['6m']).toEqual({
      due: 1,
      answered: 0,
      positiveExits: 0,
      positiveExitRate: null,
      responseRate: 0,
    });
  });

  test('median days to decision, average training length and progress toward the target', () => {
    expect(s.medianDaysToDecision).toBe(10); // 4, 10 and 10 days
    expect(s.averageTrainingMonths).toBe(3.5); // 181 and 30 days
    expect(s.target).toEqual({ learnersStarted: 2, target: 10_000, progress: 0 });
  });

  test('starts by month of start: every month from the first to the last, with the running total toward the target', () => {
    const startedOn = (day: string) => started({ startDate: new Date(`${day}T00:00:00Z`) });
    const months = startsByMonth(
      [
        startedOn('2027-01-31'),
        startedOn('2027-03-01'),
        startedOn('2027-03-15'),
        row({ status: 'referred' }),
      ],
      4,
    );
    expect(months).toEqual([
      { month: '2027-01', started: 1, cumulative: 1, progress: 0.25 },
      { month: '2027-02', started: 0, cumulative: 1, progress: 0.25 },
      { month: '2027-03', started: 2, cumulative: 3, progress: 0.75 },
    ]);
    expect(startsByMonth([row({ status: 'referred' })], 10_000)).toEqual([]);
  });

  test('nothing to divide by gives null, not zero', () => {
    const empty = indicators([], 10_000);
    expect(empty.admissionRate).toBeNull();
    expect(empty.completionRate).toBeNull();
    expect(empty.medianDaysToDecision).toBeNull();
  });
});

describe('GET /v1/stats', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ policy: { followUpOffsets: { '3m': 'PT1S', '6m': 'P6M' } } });
    const { fabrique, fabrique2 } = stack.orgs;
    const [done, dropped, refused] = await Promise.all([
      stack.refer(),
      stack.refer(),
      stack.refer(),
      stack.refer(),
    ]);
    for (const j of [done, dropped]) {
      await stack.must(j.id, 'admit', fabrique.key, { startDate: today(-60), durationMonths: 3 });
      await stack.must(j.id, 'confirm-start', fabrique.key, { startDate: today(-60) });
    }
    await stack.must(done.id, 'record-completion', fabrique.key, { date: today(), certified: true });
    await stack.must(dropped.id, 'record-dropout', fabrique.key, { date: today(-30), reason: 'health' });
    await stack.must(refused.id, 'refuse', fabrique.key, { reason: 'session_full', shareWithLearner: true });
    await stack.must(done.id, 'record-follow-up', fabrique.key, { milestone: '3m', outcome: 'cdi' });
    await stack.must(dropped.id, 'record-follow-up', fabrique.key, { milestone: '3m', outcome: 'inactive' });
    // Another fabrique's referral, which the first fabrique must not count.
    await stack.refer({ fabriqueId: fabrique2.id });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('a fabrique sees its own indicators, computed from its journeys', async () => {
    const res = await stack.request('GET', '/v1/stats', stack.orgs.fabrique.key);
    expect(res.status).toBe(200);
    expect(res.body.filters.fabriqueId).toBe(stack.orgs.fabrique.id);
    expect(res.body.journeys).toBe(4);
    expect(res.body.byStatus).toMatchObject({ follow_up: 2, refused: 1, referred: 1 });
    expect(res.body.admissionRate).toBe(0.667);
    expect(res.body.started).toBe(2);
    expect(res.body.amongStarted.women).toBe(1);
    expect(res.body.completionRate).toBe(0.5);
    expect(res.body.certificationRate).toBe(1);
    expect(res.body.dropoutRate).toBe(0.5);
    expect(res.body.followUps['3m']).toMatchObject({ answered: 2, positiveExits: 1, positiveExitRate: 0.5 });
    expect(res.body.target).toMatchObject({ learnersStarted: 2, target: 10_000 });
    expect(res.body.startsByMonth).toEqual([
      { month: today(-60).slice(0, 7), started: 2, cumulative: 2, progress: 0 },
    ]);
  });

  test('a manager cuts by fabrique; a fabrique may not ask for another’s; an agency sees none', async () => {
    const { manager, fabrique, fabrique2, agency } = stack.orgs;
    const today0 = today();
    const cut = await stack.request(
      'GET',
      `/v1/stats?groupBy=fabrique&from=${today0}&to=${today0}`,
      manager.key,
    );
    expect(cut.status).toBe(200);
    const mine = cut.body.groups.find((g: { key: string }) => g.key === fabrique.id);
    const theirs = cut.body.groups.find((g: { key: string }) => g.key === fabrique2.id);
    expect(mine).toMatchObject({ name: fabrique.name, journeys: 4, started: 2 });
    expect(theirs).toMatchObject({ journeys: 1, started: 0 });
    const byRegion = await stack.request(
      'GET',
      `/v1/stats?region=Hauts-de-France&from=${today0}`,
      manager.key,
    );
    expect(byRegion.body.journeys).toBeGreaterThanOrEqual(1);
    expect(byRegion.body.byStatus.follow_up).toBe(0);
    expect((await stack.request('GET', `/v1/stats?fabriqueId=${fabrique2.id}`, fabrique.key)).status).toBe(
      403,
    );
    expect((await stack.request('GET', '/v1/stats', agency.key)).status).toBe(403);
    expect((await stack.request('GET', '/v1/stats?groupBy=week', manager.key)).status).toBe(422);
  });

  test('filters and cursors the database cannot hold are refused as such, never as a server error', async () => {
    const { manager } = stack.orgs;
    for (const query of [
      'region=%00',
      'region=Nord%00',
      'from=0000-01-01',
      'to=0000-01-01',
      'to=9999-12-31x',
    ]) {
      const res = await stack.request('GET', `/v1/stats?${query}`, manager.key);
      expect([query, res.status]).toEqual([query, 422]);
    }
    const list = await stack.request('GET', '/v1/journeys?from=0000-01-01', manager.key);
    expect(list.status).toBe(422);
    expect(list.body.errors).toEqual([expect.objectContaining({ field: 'query.from' })]);
    // A cursor is opaque, but one can be forged: instants JavaScript holds and PostgreSQL does not.
    const id = '00000000-0000-4000-8000-000000000000';
    for (const referredAt of [
      '-271821-04-20T00:00:00.037Z',
      '+275760-09-13T00:00:00.000Z',
      '0000-06-01T00:00:00Z',
    ]) {
      const cursor = Buffer.from(JSON.stringify({ referredAt, id })).toString('base64url');
      const page = await stack.request('GET', `/v1/journeys?cursor=${cursor}`, manager.key);
      expect([referredAt, page.status, page.body.errors?.[0]?.field]).toEqual([referredAt, 422, 'cursor']);
    }
    // The widest dates the API takes still answer.
    const wide = await stack.request('GET', '/v1/stats?from=1900-01-01&to=2199-12-31', manager.key);
    expect(wide.status).toBe(200);
    expect(wide.body.journeys).toBeGreaterThanOrEqual(5);
  });
});
