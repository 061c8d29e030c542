import { FOLLOW_UP_OUTCOMES, REFUSAL_REASONS } from '../domain/codes';
import type { EventDetails } from '../domain/journey-state';
import { TEMPLATES, type TemplateName } from '../domain/notifications';
import type { TemplateContext } from '../mail/templates/context';
import { renderFollowUpForm, renderFollowUpPage } from '../web/follow-up-pages';
import { renderEmail } from '../mail/templates/render';

const JOURNEY_URL = 'https://parcours.example.fr/parcours/j-123';
const SURVEY_LINK = 'https://parcours.example.fr/v1/follow-ups/tok_abc123';

/** The details each event really produces (see applyAction and the timers). */
const DETAILS: Record<string, EventDetails> = {
  'in-review': { interviewAt: '2027-03-12T13:30:00.000Z' },
  'interview-reminder': {},
  admitted: { startDate: '2027-04-01', durationMonths: 6, plannedEndDate: '2027-10-01' },
  refused: { reason: 'prerequisites_not_met', shareWithLearner: false },
  withdrawn: { reason: 'found_job' },
  'no-show': { reason: 'no_show' },
  started: { startDate: '2027-04-01', plannedEndDate: '2027-10-01' },
  suspended: { reason: 'health', from: '2027-05-10' },
  resumed: { date: '2027-06-01', daysSuspended: 22, plannedEndDate: '2027-10-23' },
  extended: { previousPlannedEndDate: '2027-10-23', plannedEndDate: '2027-12-15' },
  dropout: { exitKind: 'dropped_out', date: '2027-06-15', reason: 'found_job' },
  completed: { exitKind: 'completed', date: '2027-10-01', certified: true },
  'transferred-in': { fromFabriqueId: 'fab-1', toFabriqueId: 'fab-2' },
  'transferred-out': { fromFabriqueId: 'fab-1', toFabriqueId: 'fab-2' },
  transferred: { fromFabriqueId: 'fab-1', toFabriqueId: 'fab-2' },
  closed: { closedOn: '2027-11-02' },
  'follow-up-survey': { milestone: '3m' },
  'follow-up-reminder': { milestone: '3m' },
  'follow-up-collect': { milestone: '6m' },
};

function context(template: TemplateName, overrides: Partial<TemplateContext> = {}): TemplateContext {
  const event = template.slice(0, template.lastIndexOf('.'));
  return {
    learner: { firstName: 'Camille', lastName: 'Durand' },
    agency: { name: 'Mission Locale de Lyon' },
    referrer: { name: 'Inès Moreau' },
    fabrique: { name: 'Simplon Vénissieux', email: 'contact@simplon-venissieux.example' },
    previousFabrique: { name: 'Fabrique Numérique Villeurbanne' },
    journey: {
      id: 'j-123',
      status: 'referred',
      trainingTitle: 'Développeur·se web',
      referredAt: '2027-02-01T09:15:00.000Z',
      interviewAt: '2027-03-12T13:30:00.000Z',
      plannedStartDate: '2027-04-01',
      durationMonths: 6,
      startDate: '2027-04-01',
      plannedEndDate: '2027-10-01',
      exitDate: '2027-10-01',
    },
    details: DETAILS[event] ?? {},
    texts: {
      note: 'Très motivée, disponible tout de suite.',
      message: 'Nous vous conseillons une remise à niveau en mathématiques.',
      reason: 'Session plus proche du domicile.',
      trainingTitle: 'Développeur·se web',
      certification: 'Titre professionnel DWWM',
      employer: 'Acme',
      jobTitle: 'Développeuse',
    },
    followUp: { milestone: '3m', link: SURVEY_LINK, expiresAt: '2028-01-31T22:59:00.000Z' },
    journeyUrl: JOURNEY_URL,
    ...overrides,
  };
}

const isLearnerEmail = (t: TemplateName) => t.endsWith('.learner');
const PROFESSIONAL = TEMPLATES.filter((t) => !isLearnerEmail(t));
const LEARNER = TEMPLATES.filter(isLearnerEmail);

describe('notification emails', () => {
  it.each(TEMPLATES)('%s has a French subject, a text body and an HTML body, all signed', (template) => {
    const email = renderEmail(template, context(template));
    expect(email.subject.trim()).not.toBe('');
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.text).toContain('Bonjour');
    expect(email.text).toContain('L’équipe Parcours — Grande École du Numérique');
    expect(email.html).toMatch(/^<!DOCTYPE html>\s*<html lang="fr">/);
    expect(email.html).toContain('Grande École du Numérique');
    for (const body of [email.subject, email.text, email.html]) {
      expect(body).not.toMatch(/undefined|null|NaN|\[object/);
    }
  });

  it.each(PROFESSIONAL)('%s gives the professional the journey link', (template) => {
    const email = renderEmail(template, context(template));
    expect(email.text).toContain(JOURNEY_URL);
    expect(email.html).toContain(`href="${JOURNEY_URL}"`);
  });

  it.each(LEARNER)('%s never shows the learner the professionals’ API link', (template) => {
    const email = renderEmail(template, context(template));
    expect(email.text).not.toContain(JOURNEY_URL);
    expect(email.html).not.toContain(JOURNEY_URL);
  });

  it.each(TEMPLATES)('%s shows a learner name holding HTML escaped, and as typed in text', (template) => {
    const email = renderEmail(
      template,
      context(template, {
        learner: { firstName: '<script>alert(1)</script>', lastName: 'O’Brien & "Fils"' },
      }),
    );
    expect(email.html).not.toContain('<script>');
    expect(email.html).not.toContain('& "Fils"');
    // Learners are greeted by their first name; professionals read the full name.
    const shown = isLearnerEmail(template)
      ? { html: '&lt;script&gt;alert(1)&lt;/script&gt;', text: '<script>alert(1)</script>' }
      : {
          html: '&lt;script&gt;alert(1)&lt;/script&gt; O’Brien &amp; &quot;Fils&quot;',
          text: '<script>alert(1)</script> O’Brien & "Fils"',
        };
    expect(email.html).toContain(shown.html);
    expect(email.text).toContain(shown.text);
  });

  it('escapes free text and organisation names in HTML, and keeps them readable in text', () => {
    const ctx = context('refused.agency', {
      agency: { name: 'Asso <b>Tremplin</b>' },
      texts: { message: '<img src=x onerror=alert(1)>' },
    });
    const email = renderEmail('refused.agency', ctx);
    expect(email.html).not.toContain('<img');
    expect(email.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(email.text).toContain('<img src=x onerror=alert(1)>');
  });

  describe('a refusal', () => {
    const label = REFUSAL_REASONS.labels.prerequisites_not_met;
    const message = 'Nous vous conseillons une remise à niveau en mathématiques.';

    it('not shared with the learner hides the reason and the message, and points to the counsellor', () => {
      const email = renderEmail('refused.learner', context('refused.learner'));
      for (const body of [email.subject, email.text, email.html]) {
        expect(body).not.toContain(label);
        expect(body).not.toContain(message);
      }
      expect(email.text).toContain('Inès Moreau');
      expect(email.text).toContain('Mission Locale de Lyon');
    });

    it('always tells the agency the reason and the fabrique’s message', () => {
      const email = renderEmail('refused.agency', context('refused.agency'));
      expect(email.text).toContain(label);
      expect(email.text).toContain(message);
      expect(email.html).toContain(label);
      expect(email.html).toContain(message);
      expect(email.text).toMatch(/Motif communiqué à la personne\u00a0: Non/);
    });

    it('shared with the learner shows the reason and the message', () => {
      const ctx = context('refused.learner', {
        details: { reason: 'prerequisites_not_met', shareWithLearner: true },
      });
      const email = renderEmail('refused.learner', ctx);
      expect(email.text).toContain(label);
      expect(email.text).toContain(message);
      expect(email.html).toContain(label);
    });
  });

  it('the follow-up survey gives the learner a personal link and its expiry date', () => {
    for (const template of ['follow-up-survey.learner', 'follow-up-reminder.learner'] as const) {
      const email = renderEmail(template, context(template));
      expect(email.subject).toContain('3 mois après votre formation');
      expect(email.text).toContain(SURVEY_LINK);
      expect(email.html).toContain(`href="${SURVEY_LINK}"`);
      expect(email.text).toContain('31 janvier 2028');
    }
  });

  it('asks the fabrique to collect an unanswered follow-up at the right milestone', () => {
    const email = renderEmail(
      'follow-up-collect.fabrique',
      context('follow-up-collect.fabrique', { followUp: undefined }),
    );
    expect(email.text).toContain('6 mois');
    expect(email.text).toContain('Camille Durand');
  });

  it('an erased learner is “la personne orientée” and never “null”', () => {
    for (const template of TEMPLATES) {
      const email = renderEmail(
        template,
        context(template, { learner: { firstName: null, lastName: null } }),
      );
      expect(`${email.subject}\n${email.text}\n${email.html}`).not.toContain('null');
      if (!isLearnerEmail(template)) expect(email.text).not.toContain('Camille');
    }
    const agency = renderEmail(
      'admitted.agency',
      context('admitted.agency', { learner: { firstName: null, lastName: null } }),
    );
    expect(agency.subject).toBe('Admission : la personne orientée');
    const learner = renderEmail(
      'admitted.learner',
      context('admitted.learner', { learner: { firstName: null, lastName: null } }),
    );
    expect(learner.text.startsWith('Bonjour,\n')).toBe(true);
  });

  it('the agency email is addressed to the referrer, or else to the agency', () => {
    expect(renderEmail('started.agency', context('started.agency')).text).toMatch(/^Bonjour Inès Moreau,/);
    const noReferrer = context('started.agency', { referrer: { name: null } });
    expect(renderEmail('started.agency', noReferrer).text).toMatch(
      /^Bonjour à l’équipe de Mission Locale de Lyon,/,
    );
  });

  it('shows dates in French, calendar dates without a time-zone shift', () => {
    const admitted = renderEmail('admitted.learner', context('admitted.learner')).text;
    expect(admitted).toContain('1er avril 2027');
    expect(admitted).toContain('1er octobre 2027');
    expect(admitted).toContain('6 mois');
    // 23:30 UTC on 1 March is already 2 March in Paris.
    const late = context('expired.agency', {
      journey: { ...context('expired.agency').journey, referredAt: '2027-03-01T23:30:00.000Z' },
    });
    expect(renderEmail('expired.agency', late).text).toContain('2 mars 2027');
    expect(renderEmail('in-review.learner', context('in-review.learner')).text).toContain(
      '12 mars 2027 à 14:30',
    );
  });

  it('tells the agency of a suspension and a dropout with their reasons and dates', () => {
    const suspended = renderEmail('suspended.agency', context('suspended.agency')).text;
    expect(suspended).toContain('Santé');
    expect(suspended).toContain('10 mai 2027');
    const dropout = renderEmail('dropout.agency', context('dropout.agency')).text;
    expect(dropout).toContain('A trouvé un emploi');
    expect(dropout).toContain('15 juin 2027');
  });

  it('tells the agency whether the learner was certified', () => {
    const certified = renderEmail('completed.agency', context('completed.agency')).text;
    expect(certified).toMatch(/Certification obtenue\u00a0: Oui/);
    expect(certified).toContain('Titre professionnel DWWM');
    const notCertified = context('completed.agency', {
      details: { exitKind: 'completed', date: '2027-10-01', certified: false },
    });
    expect(renderEmail('completed.agency', notCertified).text).toMatch(/Certification obtenue\u00a0: Non/);
  });
});

describe('follow-up form', () => {
  const input = {
    firstName: 'Camille',
    milestone: '6m' as const,
    fabriqueName: 'Simplon Vénissieux',
    action: '/v1/follow-ups/tok_abc123',
  };

  it('asks where the learner stands, and lists every outcome but “unknown”', () => {
    const html = renderFollowUpForm(input);
    expect(html).toContain('Où en êtes-vous 6 mois après votre formation ?');
    const values = [...html.matchAll(/name="outcome" value="([^"]+)"/g)].map((m) => m[1]);
    expect(values).toEqual(FOLLOW_UP_OUTCOMES.codes.filter((c) => c !== 'unknown'));
    for (const code of values) expect(html).toContain(FOLLOW_UP_OUTCOMES.labels[code as 'cdi']);
    expect(html).not.toContain('value="unknown"');
    expect(html).toMatch(/name="outcome" value="cdi" required/);
  });

  it('posts url-encoded fields named outcome, employer, jobTitle and contractStart', () => {
    const html = renderFollowUpForm(input);
    expect(html).toContain(
      '<form method="post" action="/v1/follow-ups/tok_abc123" enctype="application/x-www-form-urlencoded">',
    );
    expect(html).toMatch(/<input [^>]*type="text" id="employer" name="employer"/);
    expect(html).toMatch(/<input [^>]*type="text" id="jobTitle" name="jobTitle"/);
    expect(html).toMatch(/<input [^>]*type="date" id="contractStart" name="contractStart"/);
    expect(html).not.toMatch(/name="(employer|jobTitle|contractStart)"[^>]*required/);
  });

  it('has the web app’s DSFR look from the app’s own stylesheet, with no script and nothing from elsewhere', () => {
    const html = renderFollowUpForm(input);
    expect(html).toMatch(/^<!DOCTYPE html>\s*<html lang="fr"/);
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('<link rel="stylesheet" href="/dsfr/dsfr.min.css">');
    expect(html).toContain('class="fr-header"');
    expect(html).not.toMatch(/<script|src=|https?:\/\//);
  });

  it('escapes the learner’s name, the fabrique and the error it shows', () => {
    const html = renderFollowUpForm({
      ...input,
      firstName: '<script>x</script>',
      fabriqueName: 'A & B',
      error: 'Choisissez une réponse <b>',
    });
    expect(html).not.toContain('<script>');
    expect(html).toContain('A &amp; B');
    expect(html).toContain('role="alert"><p>Choisissez une réponse &lt;b&gt;</p>');
  });

  it('never says “null” to an erased learner and shows no error unless given', () => {
    const html = renderFollowUpForm({ ...input, firstName: null });
    expect(html).not.toContain('null');
    expect(html).not.toContain('role="alert"');
  });

  it('shows thanks or an expired link with the same look', () => {
    const thanks = renderFollowUpPage({
      title: 'Merci, votre réponse est enregistrée',
      message: 'Bonne continuation !',
      status: 'ok',
    });
    expect(thanks).toContain('<h1>Merci, votre réponse est enregistrée</h1>');
    expect(thanks).toContain('role="status"');
    const expired = renderFollowUpPage({
      title: 'Ce lien a expiré ou a déjà été utilisé',
      message: 'Contactez <votre fabrique>.',
      status: 'error',
    });
    expect(expired).toContain('role="alert"');
    expect(expired).toContain('Contactez &lt;votre fabrique&gt;.');
  });
});
