// How each email names the people it speaks to and about.
import type { Recipient } from '../../domain/notifications';
import type { TemplateContext } from './context';

/** The learner's first and last names; undefined once they were erased. */
export function knownLearnerName(ctx: TemplateContext): string | undefined {
  const parts = [ctx.learner.firstName, ctx.learner.lastName].map((p) => p?.trim()).filter((p) => !!p);
  return parts.length > 0 ? parts.join(' ') : undefined;
}

/** Professionals follow the learner by name; once erased, "la personne orientée". */
export function learnerName(ctx: TemplateContext): string {
  return knownLearnerName(ctx) ?? 'la personne orientée';
}

/** The opening line, addressed to the person when we know them. */
export function greeting(audience: Recipient, ctx: TemplateContext): string {
  switch (audience) {
    case 'learner': {
      const first = ctx.learner.firstName?.trim();
      return first ? `Bonjour ${first},` : 'Bonjour,';
    }
    case 'agency': {
      const referrer = ctx.referrer.name?.trim();
      return referrer ? `Bonjour ${referrer},` : `Bonjour à l’équipe de ${ctx.agency.name},`;
    }
    case 'fabrique':
      return `Bonjour à l’équipe de ${ctx.fabrique.name},`;
    case 'previous-fabrique':
      return ctx.previousFabrique ? `Bonjour à l’équipe de ${ctx.previousFabrique.name},` : 'Bonjour,';
    case 'managers':
      return 'Bonjour,';
  }
}

/**
 * The person who follows the learner at the agency, for the middle of a
 * sentence in a learner email ("contactez …").
 */
export function counsellor(ctx: TemplateContext): string {
  const referrer = ctx.referrer.name?.trim();
  return referrer
    ? `${referrer}, qui vous accompagne chez ${ctx.agency.name}`
    : `la personne qui vous accompagne chez ${ctx.agency.name}`;
}
