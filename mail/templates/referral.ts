// A referral arrives at a fabrique, is taken in review, or moves to another
// fabrique: what the learner and the professionals are told.
import type { TemplateName } from '../../domain/notifications';
import type { TemplateContext } from './context';
import { formatDateTime } from './dates';
import { detailString, firstDate, freeText, trainingTitle } from './event-details';
import { compose, facts, paragraph, quote, type Template } from './layout';
import { counsellor, knownLearnerName, learnerName } from './people';

function interviewAt(ctx: TemplateContext): string | undefined {
  const at = detailString(ctx, 'interviewAt') ?? ctx.journey.interviewAt ?? undefined;
  return at ? formatDateTime(at) : undefined;
}

const previousFabrique = (ctx: TemplateContext): string =>
  ctx.previousFabrique ? `la fabrique ${ctx.previousFabrique.name}` : 'la fabrique précédente';

export const referralTemplates = {
  'referral-received.learner': (ctx) =>
    compose('learner', ctx, {
      subject: `Votre candidature a été transmise à la fabrique ${ctx.fabrique.name}`,
      blocks: [
        paragraph(
          `${ctx.agency.name} a transmis votre candidature à la fabrique ${ctx.fabrique.name}. ` +
            'C’est un lieu de formation gratuite aux métiers du numérique, labellisé par la Grande École du Numérique.',
        ),
        facts(['Formation', trainingTitle(ctx)]),
        paragraph(
          'Et maintenant ? La fabrique va étudier votre candidature. ' +
            'Elle vous contactera pour faire connaissance, souvent lors d’un entretien. ' +
            'Vous recevrez un email à chaque étape.',
        ),
        paragraph(
          `Une question ? Écrivez à la fabrique (${ctx.fabrique.email}) ou parlez-en à ${counsellor(ctx)}.`,
        ),
      ],
    }),

  'referral-new.fabrique': (ctx) =>
    compose('fabrique', ctx, {
      subject: `Nouvelle orientation : ${learnerName(ctx)}`,
      blocks: [
        paragraph(`${ctx.agency.name} vous adresse une nouvelle orientation.`),
        facts(
          ['Personne orientée', knownLearnerName(ctx)],
          ['Structure d’orientation', ctx.agency.name],
          ['Personne référente', ctx.referrer.name ?? undefined],
          ['Formation visée', trainingTitle(ctx)],
          ['Reçue le', firstDate(ctx.journey.referredAt)],
        ),
        quote('Note de la structure d’orientation', freeText(ctx, 'note')),
        paragraph(
          'Merci de prendre contact avec la personne, puis d’enregistrer la suite dans Parcours : ' +
            'prise à l’étude (avec la date d’entretien), admission, liste d’attente ou refus. ' +
            'Sans décision, un rappel vous sera envoyé.',
        ),
      ],
    }),

  'in-review.learner': (ctx) => {
    const interview = interviewAt(ctx);
    return compose('learner', ctx, {
      subject: interview
        ? `Votre entretien à la fabrique ${ctx.fabrique.name} le ${interview}`
        : `Votre candidature est à l’étude à la fabrique ${ctx.fabrique.name}`,
      blocks: [
        paragraph(`La fabrique ${ctx.fabrique.name} étudie votre candidature.`),
        interview
          ? paragraph(
              `Elle vous propose un entretien le ${interview}. Vous recevrez un rappel avant l’entretien. ` +
                `Si vous ne pouvez pas venir, prévenez la fabrique au plus vite : ${ctx.fabrique.email}.`,
            )
          : paragraph(
              'Vous recevrez un email dès qu’une décision sera prise. ' +
                `Une question ? Écrivez à la fabrique : ${ctx.fabrique.email}.`,
            ),
      ],
    });
  },

  'interview-reminder.learner': (ctx) => {
    const interview = interviewAt(ctx);
    return compose('learner', ctx, {
      subject: interview
        ? `Rappel : votre entretien le ${interview}`
        : 'Rappel : votre entretien à la fabrique',
      blocks: [
        paragraph(
          interview
            ? `Nous vous rappelons votre entretien avec la fabrique ${ctx.fabrique.name} le ${interview}.`
            : `Nous vous rappelons votre entretien prochain avec la fabrique ${ctx.fabrique.name}.`,
        ),
        paragraph(
          `En cas d’empêchement, prévenez la fabrique dès que possible : ${ctx.fabrique.email}. ` +
            'Elle pourra vous proposer une autre date.',
        ),
      ],
    });
  },

  'transferred-in.fabrique': (ctx) =>
    compose('fabrique', ctx, {
      subject: `Orientation transférée vers votre fabrique : ${learnerName(ctx)}`,
      blocks: [
        paragraph(
          `L’équipe de la Grande École du Numérique vous transfère l’orientation de ${learnerName(ctx)}, ` +
            `adressée au départ à ${previousFabrique(ctx)}.`,
        ),
        facts(
          ['Personne orientée', knownLearnerName(ctx)],
          ['Structure d’orientation', ctx.agency.name],
          ['Personne référente', ctx.referrer.name ?? undefined],
          ['Formation visée', trainingTitle(ctx)],
          ['Orientée le', firstDate(ctx.journey.referredAt)],
        ),
        quote('Motif du transfert', freeText(ctx, 'reason')),
        paragraph(
          'Merci de prendre contact avec la personne, puis d’enregistrer votre décision dans Parcours : ' +
            'admission, liste d’attente ou refus.',
        ),
      ],
    }),

  'transferred-out.fabrique': (ctx) =>
    compose('previous-fabrique', ctx, {
      subject: `Orientation transférée à une autre fabrique : ${learnerName(ctx)}`,
      blocks: [
        paragraph(
          `L’équipe de la Grande École du Numérique a transféré l’orientation de ${learnerName(ctx)} ` +
            `vers la fabrique ${ctx.fabrique.name}.`,
        ),
        quote('Motif du transfert', freeText(ctx, 'reason')),
        paragraph('Votre fabrique n’a plus accès à ce parcours et n’a plus d’action à mener.'),
      ],
    }),

  'transferred.agency': (ctx) =>
    compose('agency', ctx, {
      subject: `Orientation transférée : ${learnerName(ctx)}`,
      blocks: [
        paragraph(
          `L’équipe de la Grande École du Numérique a transféré l’orientation de ${learnerName(ctx)} ` +
            `de ${previousFabrique(ctx)} vers la fabrique ${ctx.fabrique.name}, qui va étudier la candidature.`,
        ),
        facts(['Nouvelle fabrique', ctx.fabrique.name], ['Contact de la fabrique', ctx.fabrique.email]),
        quote('Motif du transfert', freeText(ctx, 'reason')),
      ],
    }),

  'transferred.learner': (ctx) =>
    compose('learner', ctx, {
      subject: `Votre candidature est transmise à la fabrique ${ctx.fabrique.name}`,
      blocks: [
        paragraph(
          `Votre candidature a été transmise à une autre fabrique du numérique : ${ctx.fabrique.name}. ` +
            'Elle va étudier votre candidature et vous contactera pour la suite.',
        ),
        paragraph(
          `Une question ? Écrivez à la fabrique (${ctx.fabrique.email}) ou parlez-en à ${counsellor(ctx)}.`,
        ),
      ],
    }),
} satisfies Partial<Record<TemplateName, Template>>;
