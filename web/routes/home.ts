// `/`: what Parcours is, and "Se connecter"; a signed-in member goes to their journeys.
import type { RequestHandler } from 'express';
import { render } from '../render';

export const home: RequestHandler = (req, res) => {
  if (req.member) return res.redirect(303, '/parcours');
  render(res, 'home');
};
