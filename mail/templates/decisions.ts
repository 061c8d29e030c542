// The fabrique's decision on a referral (waitlist, admission, refusal), a
// withdrawal, a no-show, or a referral that expired without a decision.
import { REFUSAL_REASONS, WITHDRAWAL_REASONS } from '../../domain/codes';
import type { TemplateName } from '../../domain/notifications';
import type { TemplateContext } from './context';
import {
  detailBoolean,
  detailNumber,
  detailString,
  firstDate,
  freeText,
  months,
  reasonLabel,
  trainingTitle,
} from './event-details';
import { compose, facts, paragraph, quote, type Block, type Template } from './layout';
import { counsellor, learnerName } from './people';

function admission(ctx: TemplateContext): Block {
  return facts(
    ['Formation', trainingTitle(ctx)],
    ['Début', firstDate(detailString(ctx, 'startDate'), ctx.journey.plannedStartDate)],
    ['Durée', months(detailNumber(ctx, 'durationMonths') ?? ctx.journey.durationMonths)],
    ['Fin prévue', firstDate(detailString(ctx, 'plannedEndDate'), ctx.journey.plannedEndDate)],
  );
}

/** For the learner: where to turn when a door closes. */
const turnToCounsellor = (ctx: TemplateContext): Block =>
  paragraph(`Pour en parler et chercher ensemble une autre solution, contactez ${counsellor(ctx)}.`);

export const decisionTemplates = {
  'waitlisted.learner': (ctx) =>
    compose('learner', ctx, {
      subject: `Votre candidature à la fabrique ${ctx.fabrique.name} est sur liste d’attente`,
      blocks: [
        paragraph(
          `La fabrique ${ctx.fabrique.name} a placé votre candidature sur liste d’attente. ` +
            'Elle ne peut pas encore vous proposer de place, mais votre candidature reste ouverte. ' +
            'Vous recevrez un email dès qu’une place vous sera proposée.',
        ),
        paragraph(`Une question ? Écrivez à la fabrique : ${ctx.fabrique.email}.`),
      ],
    }),

  'waitlisted.agency': (ctx) =>
    compose('agency', ctx, {
      subject: `Liste d’attente : ${learnerName(ctx)}`,
      blocks: [
        paragraph(`La fabrique ${ctx.fabrique.name} a placé ${learnerName(ctx)} sur liste d’attente.`),
        quote('Note de la fabrique', freeText(ctx, 'note')),
      ],
    }),

  'admitted.learner': (ctx) =>
    compose('learner', ctx, {
      subject: `Bonne nouvelle : la fabrique ${ctx.fabrique.name} accepte votre candidature`,
      blocks: [
        paragraph(`Bonne nouvelle : la fabrique ${ctx.fabrique.name} a accepté votre candidature.`),
        admission(ctx),
        paragraph(
          'La fabrique vous donnera les informations pratiques (lieu, horaires). ' +
            `Si vous ne pouvez plus suivre la formation, prévenez la fabrique (${ctx.fabrique.email}) ` +
            `et ${counsellor(ctx)}.`,
        ),
      ],
    }),

  'admitted.agency': (ctx) =>
    compose('agency', ctx, {
      subject: `Admission : ${learnerName(ctx)}`,
      blocks: [
        paragraph(`La fabrique ${ctx.fabrique.name} a admis ${learnerName(ctx)}.`),
        admission(ctx),
        quote('Note de la fabrique', freeText(ctx, 'note')),
      ],
    }),

  // The reason and the message reach the learner only when the fabrique chose to share them.
  'refused.learner': (ctx) => {
    const shared = detailBoolean(ctx, 'shareWithLearner') === true;
    return compose('learner', ctx, {
      subject: `Réponse de la fabrique ${ctx.fabrique.name} à votre candidature`,
      blocks: shared
        ? [
            paragraph(`Après étude, la fabrique ${ctx.fabrique.name} ne peut pas retenir votre candidature.`),
            facts(['Motif', reasonLabel(ctx, REFUSAL_REASONS)]),
            quote('Message de la fabrique', freeText(ctx, 'message')),
            turnToCounsellor(ctx),
          ]
        : [
            paragraph(
              `Après étude, la fabrique ${ctx.fabrique.name} ne peut pas retenir votre candidature pour le moment. ` +
                'Cette réponse ne dit rien de vos capacités : d’autres formations et d’autres fabriques peuvent vous convenir.',
            ),
            turnToCounsellor(ctx),
          ],
    });
  },

  'refused.agency': (ctx) => {
    const shared = detailBoolean(ctx, 'shareWithLearner') === true;
    return compose('agency', ctx, {
      subject: `Candidature non retenue : ${learnerName(ctx)}`,
      blocks: [
        paragraph(`La fabrique ${ctx.fabrique.name} n’a pas retenu la candidature de ${learnerName(ctx)}.`),
        facts(
          ['Motif', reasonLabel(ctx, REFUSAL_REASONS) ?? 'Non précisé'],
          ['Motif communiqué à la personne', shared ? 'Oui' : 'Non'],
        ),
        quote('Message de la fabrique', freeText(ctx, 'message')),
        !shared &&
          paragraph(
            'La personne a reçu une réponse sans le motif, et l’invitation à se tourner vers vous pour en parler.',
          ),
      ],
    });
  },

  'withdrawn.learner': (ctx) =>
    compose('learner', ctx, {
      subject: `Votre candidature à la fabrique ${ctx.fabrique.name} est retirée`,
      blocks: [
        paragraph(`Votre candidature à la fabrique ${ctx.fabrique.name} a été retirée.`),
        paragraph(
          `Si vous pensez qu’il s’agit d’une erreur, ou pour chercher une autre solution, contactez ${counsellor(ctx)}.`,
        ),
      ],
    }),

  // Withdrawn by the fabrique: the agency is told.
  'withdrawn.agency': (ctx) =>
    compose('agency', ctx, {
      subject: `Candidature retirée : ${learnerName(ctx)}`,
      blocks: [
        paragraph(`La fabrique ${ctx.fabrique.name} a retiré la candidature de ${learnerName(ctx)}.`),
        facts(['Motif', reasonLabel(ctx, WITHDRAWAL_REASONS) ?? 'Non précisé']),
        quote('Note de la fabrique', freeText(ctx, 'note')),
      ],
    }),

  // Withdrawn by the agency: the fabrique is told.
  'withdrawn.fabrique': (ctx) =>
    compose('fabrique', ctx, {
      subject: `Candidature retirée : ${learnerName(ctx)}`,
      blocks: [
        paragraph(`${ctx.agency.name} a retiré la candidature de ${learnerName(ctx)}.`),
        facts(['Motif', reasonLabel(ctx, WITHDRAWAL_REASONS) ?? 'Non précisé']),
        quote('Note de la structure d’orientation', freeText(ctx, 'note')),
        paragraph('Vous n’avez plus d’action à mener sur ce parcours.'),
      ],
    }),

  'no-show.agency': (ctx) =>
    compose('agency', ctx, {
      subject: `Absence au démarrage de la formation : ${learnerName(ctx)}`,
      blocks: [
        paragraph(
          `La fabrique ${ctx.fabrique.name} signale l’absence de ${learnerName(ctx)} au démarrage de la formation. ` +
            'La candidature est retirée.',
        ),
        facts(
          ['Formation', trainingTitle(ctx)],
          ['Démarrage prévu le', firstDate(ctx.journey.plannedStartDate)],
          ['Motif', WITHDRAWAL_REASONS.labels.no_show],
        ),
        quote('Note de la fabrique', freeText(ctx, 'note')),
        paragraph('Vous pouvez reprendre contact avec la personne pour faire le point sur sa situation.'),
      ],
    }),

  'expired.learner': (ctx) =>
    compose('learner', ctx, {
      subject: `Votre candidature à la fabrique ${ctx.fabrique.name} est close`,
      blocks: [
        paragraph(
          `Votre candidature à la fabrique ${ctx.fabrique.name} n’a pas pu aboutir dans les délais prévus. ` +
            'Elle est maintenant close.',
        ),
        turnToCounsellor(ctx),
      ],
    }),

  'expired.agency': (ctx) =>
    compose('agency', ctx, {
      subject: `Orientation arrivée à échéance : ${learnerName(ctx)}`,
      blocks: [
        paragraph(
          `L’orientation de ${learnerName(ctx)} vers la fabrique ${ctx.fabrique.name} est arrivée à échéance ` +
            'sans admission. Elle est close.',
        ),
        facts(['Orientée le', firstDate(ctx.journey.referredAt)]),
        paragraph(
          'Si la personne le souhaite, vous pouvez l’orienter de nouveau, vers cette fabrique ou une autre.',
        ),
      ],
    }),

  'expired.fabrique': (ctx) =>
    compose('fabrique', ctx, {
      subject: `Orientation arrivée à échéance : ${learnerName(ctx)}`,
      blocks: [
        paragraph(
          `L’orientation de ${learnerName(ctx)}, adressée par ${ctx.agency.name}, est arrivée à échéance ` +
            'sans admission. Elle est close et vous n’avez plus d’action à mener.',
        ),
        facts(['Orientée le', firstDate(ctx.journey.referredAt)]),
      ],
    }),
} satisfies Partial<Record<TemplateName, Template>>;
