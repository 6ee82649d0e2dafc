/**
 * The few terms every domain package shares, low in the graph so that none of them needs the HTTP edge: a page of
 * a list, and the refusals a store or a planner makes ({@link routes.domain.NotFound}, {@link routes.domain.Conflict}).
 * The API maps the refusals to statuses (404, 409) with their messages as they are.
 */
package routes.domain;
