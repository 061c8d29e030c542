// The training itself: start, suspension, resumption, extension, exit, and
// the administrative closing of a journey. Training bodies must tell the
// agency of any start, suspension, dropout or completion.
import { DROPOUT_REASONS, SUSPENSION_REASONS } from '../../domain/codes';
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
import { compose, facts, paragraph, quote, type Template } from './layout';
import { counsellor, learnerName } from './people';

const startDate = (ctx: TemplateContext) => firstDate(detailString(ctx, 'startDate'), ctx.journey.startDate);
const plannedEnd = (ctx: TemplateContext) =>
  firstDate(detailString(ctx, 'plannedEndDate'), ctx.journey.plannedEndDate);
const exitDate = (ctx: TemplateContext) => firstDate(detailString(ctx, 'date'), ctx.journey.exitDate);

function certification(ctx: TemplateContext): { certified: boolean; title: string | undefined } {
  return { certified: detailBoolean(ctx, 'certified') === true, title: freeText(ctx, 'certification') };
}

const closing = (audience: 'agency' | 'fabrique'): Template => {
  return (ctx) =>
    compose(audience, ctx, {
      subject: `Parcours clôturé : ${learnerName(ctx)}`,
      blocks: [
        paragraph(
          `L’équipe de la Grande École du Numérique a clôturé le parcours de ${learnerName(ctx)} ` +
            `(fabrique ${ctx.fabrique.name}, orientation par ${ctx.agency.name}).`,
        ),
        facts(['Clôturé le', firstDate(detailString(ctx, 'closedOn'))]),
        quote('Motif', freeText(ctx, 'reason')),
        paragraph('Aucune action n’est plus attendue sur ce parcours.'),
      ],
    });
};

export const trainingTemplates = {
  'started.learner': (ctx) =>
    compose('learner', ctx, {
      subject: 'Votre formation a commencé',
      blocks: [
        paragraph(
          `Votre formation à la fabrique ${ctx.fabrique.name} a commencé. Nous vous souhaitons une belle formation !`,
        ),
        facts(['Formation', trainingTitle(ctx)], ['Début', startDate(ctx)], ['Fin prévue', plannedEnd(ctx)]),
        paragraph(
          `En cas de difficulté pendant la formation, parlez-en à la fabrique ou à ${counsellor(ctx)}.`,
        ),
      ],
    }),

  'started.agency': (ctx) =>
    compose('agency', ctx, {
      subject: `Entrée en formation : ${learnerName(ctx)}`,
      blocks: [
        paragraph(`La fabrique ${ctx.fabrique.name} confirme l’entrée en formation de ${learnerName(ctx)}.`),
        facts(
          ['Formation', trainingTitle(ctx)],
          ['Début', startDate(ctx)],
          ['Durée', months(ctx.journey.durationMonths)],
          ['Fin prévue', plannedEnd(ctx)],
        ),
      ],
    }),

  'suspended.agency': (ctx) =>
    compose('agency', ctx, {
      subject: `Formation suspendue : ${learnerName(ctx)}`,
      blocks: [
        paragraph(`La fabrique ${ctx.fabrique.name} a suspendu la formation de ${learnerName(ctx)}.`),
        facts(
          ['Motif', reasonLabel(ctx, SUSPENSION_REASONS) ?? 'Non précisé'],
          ['Suspendue depuis le', firstDate(detailString(ctx, 'from'))],
        ),
        quote('Note de la fabrique', freeText(ctx, 'note')),
        paragraph('Vous recevrez un email à la reprise de la formation.'),
      ],
    }),

  'resumed.agency': (ctx) => {
    const days = detailNumber(ctx, 'daysSuspended');
    return compose('agency', ctx, {
      subject: `Reprise de formation : ${learnerName(ctx)}`,
      blocks: [
        paragraph(
          `La fabrique ${ctx.fabrique.name} indique la reprise de la formation de ${learnerName(ctx)}.`,
        ),
        facts(
          ['Reprise le', firstDate(detailString(ctx, 'date'))],
          ['Durée de la suspension', days === undefined ? undefined : `${days} jour${days > 1 ? 's' : ''}`],
          ['Nouvelle fin prévue', plannedEnd(ctx)],
        ),
      ],
    });
  },

  'extended.agency': (ctx) =>
    compose('agency', ctx, {
      subject: `Formation prolongée : ${learnerName(ctx)}`,
      blocks: [
        paragraph(`La fabrique ${ctx.fabrique.name} a prolongé la formation de ${learnerName(ctx)}.`),
        facts(
          ['Fin prévue jusqu’ici', firstDate(detailString(ctx, 'previousPlannedEndDate'))],
          ['Nouvelle fin prévue', plannedEnd(ctx)],
        ),
        quote('Motif', freeText(ctx, 'reason')),
      ],
    }),

  'dropout.agency': (ctx) =>
    compose('agency', ctx, {
      subject: `Sortie anticipée de formation : ${learnerName(ctx)}`,
      blocks: [
        paragraph(
          `La fabrique ${ctx.fabrique.name} signale la sortie anticipée de formation de ${learnerName(ctx)}.`,
        ),
        facts(
          ['Formation', trainingTitle(ctx)],
          ['Date de sortie', exitDate(ctx)],
          ['Motif', reasonLabel(ctx, DROPOUT_REASONS) ?? 'Non précisé'],
        ),
        quote('Note de la fabrique', freeText(ctx, 'note')),
        paragraph(
          'Vous pouvez reprendre contact avec la personne pour l’accompagner. ' +
            'Sa situation sera demandée 3 et 6 mois après sa sortie.',
        ),
      ],
    }),

  'completed.learner': (ctx) => {
    const { certified, title } = certification(ctx);
    return compose('learner', ctx, {
      subject: 'Félicitations pour la fin de votre formation',
      blocks: [
        paragraph(
          `Vous avez terminé votre formation à la fabrique ${ctx.fabrique.name}. Bravo pour ce parcours !`,
        ),
        facts(['Formation', trainingTitle(ctx)], ['Fin de la formation', exitDate(ctx)]),
        certified &&
          paragraph(
            title ? `Vous avez obtenu la certification : ${title}.` : 'Vous avez obtenu votre certification.',
          ),
        paragraph(
          'Dans 3 mois, puis dans 6 mois, vous recevrez un court questionnaire pour savoir où vous en êtes. ' +
            'Vos réponses aident à améliorer les formations.',
        ),
      ],
    });
  },

  'completed.agency': (ctx) => {
    const { certified, title } = certification(ctx);
    return compose('agency', ctx, {
      subject: `Fin de formation : ${learnerName(ctx)}`,
      blocks: [
        paragraph(`La fabrique ${ctx.fabrique.name} indique que ${learnerName(ctx)} a terminé sa formation.`),
        facts(
          ['Formation', trainingTitle(ctx)],
          ['Fin de la formation', exitDate(ctx)],
          ['Certification obtenue', certified ? 'Oui' : 'Non'],
          [certified ? 'Certification' : 'Certification visée', title],
        ),
        paragraph('La situation de la personne sera demandée 3 et 6 mois après sa sortie.'),
      ],
    });
  },

  'closed.agency': closing('agency'),
  'closed.fabrique': closing('fabrique'),
} satisfies Partial<Record<TemplateName, Template>>;
