// Timers that found nothing done: reminders to the fabrique, then
// escalations to the GEN managers.
import type { TemplateName } from '../../domain/notifications';
import type { TemplateContext } from './context';
import { firstDate, trainingTitle } from './event-details';
import { compose, facts, paragraph, type Template } from './layout';
import { knownLearnerName, learnerName } from './people';

/** Who is involved, for managers who do not know the journey. */
const parties = (ctx: TemplateContext, ...more: [string, string | undefined][]) =>
  facts(
    ['Personne orientée', knownLearnerName(ctx)],
    ['Fabrique', `${ctx.fabrique.name} (${ctx.fabrique.email})`],
    ['Structure d’orientation', ctx.agency.name],
    ['Personne référente', ctx.referrer.name ?? undefined],
    ['Formation', trainingTitle(ctx)],
    ...more,
  );

export const reminderTemplates = {
  'decision-reminder.fabrique': (ctx) =>
    compose('fabrique', ctx, {
      subject: `Rappel : orientation en attente de décision – ${learnerName(ctx)}`,
      blocks: [
        paragraph(
          `L’orientation de ${learnerName(ctx)}, adressée par ${ctx.agency.name}, attend toujours votre décision.`,
        ),
        facts(['Orientée le', firstDate(ctx.journey.referredAt)], ['Formation visée', trainingTitle(ctx)]),
        paragraph(
          'Merci d’enregistrer dans Parcours votre décision : admission, liste d’attente ou refus. ' +
            'Sans décision, l’orientation sera signalée à l’équipe de la Grande École du Numérique, ' +
            'puis close à l’échéance.',
        ),
      ],
    }),

  'decision-escalation.managers': (ctx) =>
    compose('managers', ctx, {
      subject: `Orientation sans décision : ${learnerName(ctx)} à la fabrique ${ctx.fabrique.name}`,
      blocks: [
        paragraph(
          `L’orientation de ${learnerName(ctx)} vers la fabrique ${ctx.fabrique.name} n’a toujours pas ` +
            'de décision, malgré les rappels envoyés à la fabrique.',
        ),
        parties(ctx, ['Orientée le', firstDate(ctx.journey.referredAt)]),
        paragraph('Vous pouvez relancer la fabrique, ou transférer l’orientation vers une autre fabrique.'),
      ],
    }),

  'start-reminder.fabrique': (ctx) =>
    compose('fabrique', ctx, {
      subject: `Rappel : entrée en formation à confirmer – ${learnerName(ctx)}`,
      blocks: [
        paragraph(
          `La formation de ${learnerName(ctx)} devait commencer le ` +
            `${firstDate(ctx.journey.plannedStartDate) ?? '(date non renseignée)'}, ` +
            'mais l’entrée en formation n’est pas encore confirmée dans Parcours.',
        ),
        paragraph(
          'Merci de confirmer l’entrée en formation avec sa date réelle, ou de signaler une absence au démarrage. ' +
            'La structure d’orientation doit être informée de toute entrée en formation.',
        ),
      ],
    }),

  'start-escalation.managers': (ctx) =>
    compose('managers', ctx, {
      subject: `Entrée en formation non confirmée : ${learnerName(ctx)} à la fabrique ${ctx.fabrique.name}`,
      blocks: [
        paragraph(
          `L’admission de ${learnerName(ctx)} à la fabrique ${ctx.fabrique.name} prévoyait un démarrage ` +
            'qui n’est toujours pas confirmé, malgré le rappel envoyé à la fabrique.',
        ),
        parties(ctx, ['Démarrage prévu le', firstDate(ctx.journey.plannedStartDate)]),
        paragraph('Vous pouvez relancer la fabrique pour qu’elle confirme l’entrée ou signale une absence.'),
      ],
    }),

  'end-reminder.fabrique': (ctx) =>
    compose('fabrique', ctx, {
      subject: `Rappel : sortie de formation à enregistrer – ${learnerName(ctx)}`,
      blocks: [
        paragraph(
          `La formation de ${learnerName(ctx)} devait se terminer le ` +
            `${firstDate(ctx.journey.plannedEndDate) ?? '(date non renseignée)'}, ` +
            'mais aucune sortie n’est enregistrée dans Parcours.',
        ),
        paragraph(
          'Merci d’enregistrer la fin de formation (avec ou sans certification) ou une sortie anticipée, ' +
            'ou bien de prolonger la formation. Ce rappel sera renvoyé tant que rien n’est enregistré.',
        ),
      ],
    }),
} satisfies Partial<Record<TemplateName, Template>>;
