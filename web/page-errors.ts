// Errors on pages: a page in French, never a stack trace or JSON. Another
// organisation's journey is "not found", like an unknown one, and names
// nobody.
import type { ErrorRequestHandler } from 'express';
import { Problem, RETRY_AFTER_SECONDS } from '../api/problem';
import { databaseUnavailable } from '../store/database-errors';
import { render } from './render';

export function pageErrors(log: (message: string) => void): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    const e = err as { code?: string; status?: number; type?: string };
    if (e.code === 'EBADCSRFTOKEN') {
      return render(
        res,
        'message',
        {
          title: 'Formulaire expiré',
          message:
            'Ce formulaire a expiré ou ne vient pas de Parcours : rien n’a été enregistré. Revenez à la page précédente, rechargez-la et recommencez.',
          severity: 'error',
        },
        403,
      );
    }
    if (e.type === 'entity.too.large' || e.type === 'parameters.too.many') {
      return render(
        res,
        'message',
        {
          title: 'Formulaire trop long',
          message: 'Ce formulaire est trop long : rien n’a été enregistré.',
          severity: 'error',
        },
        413,
      );
    }
    if (err instanceof Problem && (err.status === 403 || err.status === 404)) {
      return render(
        res,
        'message',
        {
          title: 'Page introuvable',
          message: 'Cette page n’existe pas, ou vous n’y avez pas accès.',
          severity: 'error',
        },
        404,
      );
    }
    if (databaseUnavailable(err)) {
      res.set('Retry-After', String(RETRY_AFTER_SECONDS));
      return render(
        res,
        'message',
        {
          title: 'Service momentanément indisponible',
          message:
            'La base de données ne répond pas pour le moment. Réessayez dans quelques minutes ; si vous envoyiez un formulaire, vérifiez ensuite s’il a été pris en compte.',
          severity: 'error',
        },
        503,
      );
    }
    if (err instanceof Problem && err.status === 503) {
      return render(
        res,
        'message',
        {
          title: 'Service momentanément indisponible',
          message:
            'Le moteur des parcours ne répond pas : rien n’a été enregistré. Réessayez dans quelques minutes.',
          severity: 'error',
        },
        503,
      );
    }
    if (err instanceof Problem && err.status < 500) {
      return render(
        res,
        'message',
        {
          title: 'Demande refusée',
          message: 'Cette demande n’a pas pu aboutir : rien n’a été enregistré.',
          severity: 'error',
        },
        err.status,
      );
    }
    const kind = err instanceof Error ? err.name : typeof err;
    log(`page error: ${kind}${e.code ? ` ${e.code}` : ''}`);
    render(
      res,
      'message',
      {
        title: 'Erreur',
        message: 'Une erreur est survenue de notre côté : rien n’a été enregistré.',
        severity: 'error',
      },
      500,
    );
  };
}
