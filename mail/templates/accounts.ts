// Emails about people's access to the web app, not about a journey: the
// sign-in link, and the organisation told of each member added or removed.
import type { RenderedEmail } from './context';
import { button, composeWith, facts, paragraph } from './layout';

export interface MemberFacts {
  organizationName: string;
  memberName: string;
  memberEmail: string;
}

export function signInLinkEmail(input: { name: string; link: string; minutes: number }): RenderedEmail {
  return composeWith(`Bonjour ${input.name},`, {
    subject: 'Votre lien de connexion à Parcours',
    blocks: [
      paragraph('Pour vous connecter à Parcours, ouvrez ce lien puis cliquez sur « Se connecter ».'),
      button('Se connecter à Parcours', input.link),
      paragraph(
        `Ce lien ne sert qu’une fois et expire dans ${input.minutes} minutes. ` +
          'Si vous n’avez pas demandé à vous connecter, ignorez ce message : personne ne peut se connecter sans ce lien.',
      ),
    ],
  });
}

export function memberAddedEmail(input: MemberFacts & { signInUrl: string }): RenderedEmail {
  return composeWith('Bonjour,', {
    subject: `Nouveau membre de ${input.organizationName} sur Parcours`,
    blocks: [
      paragraph(`Une personne a été ajoutée aux membres de ${input.organizationName} sur Parcours.`),
      facts(['Nom', input.memberName], ['Adresse', input.memberEmail]),
      paragraph(`Elle se connecte avec son adresse sur ${input.signInUrl}.`),
      paragraph('Si cet ajout vous surprend, signalez-le à l’équipe de la Grande École du Numérique.'),
    ],
  });
}

export function memberRemovedEmail(input: MemberFacts): RenderedEmail {
  return composeWith('Bonjour,', {
    subject: `Un membre de ${input.organizationName} a été retiré de Parcours`,
    blocks: [
      paragraph(
        `Cette personne n’est plus membre de ${input.organizationName} sur Parcours ; ses sessions ont pris fin.`,
      ),
      facts(['Nom', input.memberName], ['Adresse', input.memberEmail]),
    ],
  });
}
