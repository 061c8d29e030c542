// The follow-up 3 and 6 months after the exit: the survey to the learner,
// its reminder, and the request to the fabrique when the learner is silent.
import { FOLLOW_UP_OUTCOMES } from '../../domain/codes';
import type { TemplateName } from '../../domain/notifications';
import type { TemplateContext } from './context';
import { formatDate } from './dates';
import { firstDate, milestoneMonths, trainingTitle } from './event-details';
import { button, compose, facts, paragraph, type MaybeBlock, type Template } from './layout';
import { learnerName } from './people';

/** "3 mois après votre formation", or just "après votre formation" if the milestone is unknown. */
function afterTraining(ctx: TemplateContext): string {
  const n = milestoneMonths(ctx);
  return n === undefined ? 'après votre formation' : `${n} mois après votre formation`;
}

function surveyLink(ctx: TemplateContext): MaybeBlock[] {
  if (!ctx.followUp) {
    return [
      paragraph(`La fabrique ${ctx.fabrique.name} prendra contact avec vous pour recueillir votre réponse.`),
    ];
  }
  return [
    button('Répondre au questionnaire', ctx.followUp.link),
    paragraph(
      `Ce lien est personnel, merci de ne pas le partager. Il est valable jusqu’au ${formatDate(ctx.followUp.expiresAt)}.`,
    ),
  ];
}

const whyWeAsk = (ctx: TemplateContext) =>
  paragraph(
    'Vos réponses aident la fabrique et la Grande École du Numérique à améliorer les formations. ' +
      `Elles sont transmises à la fabrique ${ctx.fabrique.name} et à ${ctx.agency.name}.`,
  );

export const followUpTemplates = {
  'follow-up-survey.learner': (ctx) =>
    compose('learner', ctx, {
      subject: `Où en êtes-vous ${afterTraining(ctx)} ?`,
      blocks: [
        paragraph(
          `Vous avez suivi une formation à la fabrique ${ctx.fabrique.name}. ` +
            'Nous aimerions savoir où vous en êtes aujourd’hui : emploi, alternance, formation, recherche… ' +
            'Répondre prend une minute.',
        ),
        ...surveyLink(ctx),
        whyWeAsk(ctx),
      ],
    }),

  'follow-up-reminder.learner': (ctx) =>
    compose('learner', ctx, {
      subject: `Rappel : où en êtes-vous ${afterTraining(ctx)} ?`,
      blocks: [
        paragraph(
          `Il y a quelques jours, nous vous avons demandé où vous en êtes ${afterTraining(ctx)} ` +
            `à la fabrique ${ctx.fabrique.name}. Votre réponse nous est précieuse et prend une minute.`,
        ),
        ...surveyLink(ctx),
        whyWeAsk(ctx),
      ],
    }),

  // Sent to the fabrique with the agency in copy: either may record the answer.
  'follow-up-collect.fabrique': (ctx) => {
    const n = milestoneMonths(ctx);
    const milestone = n === undefined ? 'de suivi' : `de suivi à ${n} mois`;
    return compose('fabrique', ctx, {
      subject: `Suivi à recueillir : ${learnerName(ctx)}${n === undefined ? '' : ` (${n} mois)`}`,
      blocks: [
        paragraph(
          `Le questionnaire ${milestone} envoyé à ${learnerName(ctx)} après sa sortie de formation ` +
            'est resté sans réponse.',
        ),
        facts(
          ['Formation', trainingTitle(ctx)],
          ['Sortie de formation le', firstDate(ctx.journey.exitDate)],
          ['Structure d’orientation', ctx.agency.name],
        ),
        paragraph(
          'Merci de contacter la personne pour connaître sa situation (emploi, alternance, formation, ' +
            'recherche d’emploi…) et de l’enregistrer dans Parcours. ' +
            `${ctx.agency.name}, en copie de ce message, peut aussi l’enregistrer.`,
        ),
        paragraph(
          `Sans réponse, la situation sera enregistrée comme « ${FOLLOW_UP_OUTCOMES.labels.unknown} ».`,
        ),
      ],
    });
  },
} satisfies Partial<Record<TemplateName, Template>>;
