/** Placeholder until the playground lands: the web playground engineer replaces this folder. */
import { Hono } from 'hono';

export function playgroundRoutes(): Hono {
  const app = new Hono();
  app.get('/', (c) => c.html('<!doctype html><title>Kaizen playground</title><p>The Kaizen playground is not built yet.</p>'));
  return app;
}
