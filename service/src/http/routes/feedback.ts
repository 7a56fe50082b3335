import { Hono, type Context } from 'hono';
import { notFound } from '../../errors.js';
import { handleFeedback } from '../../feedback/handle-feedback.js';
import type { AppDeps, AppEnv } from '../app-env.js';
import { readJsonBody } from '../read-json.js';
import { maxElementsFor } from '../request-handling.js';

/** Route templates of the feedback endpoint (the `route` label of its HTTP metrics). */
export const FEEDBACK_ROUTES = {
  feedback: '/v2/models/:model/feedback',
  feedbackVersion: '/v2/models/:model/versions/:version/feedback',
} as const;

/**
 * `POST /v2/models/{m}[/versions/{v}]/feedback`: the true label of an earlier prediction, named by the
 * `x-request-id` it was answered with, or features with their labels inline (docs/model-quality.md).
 */
export function feedbackRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const maxElements = maxElementsFor(deps.options.bodyLimitBytes);
  const feedback = async (c: Context<AppEnv>) => {
    const { feedback: held } = deps;
    if (!held) throw notFound('feedback is turned off on this server (--feedback-capacity 0)');
    const body = await readJsonBody(c, deps.options.bodyLimitBytes);
    return c.json(await handleFeedback({ ...deps, feedback: held }, c.req.param('model')!, c.req.param('version'), body, maxElements));
  };
  app.post(FEEDBACK_ROUTES.feedback, feedback);
  app.post(FEEDBACK_ROUTES.feedbackVersion, feedback);
  return app;
}
