/**
 * The shapes of the JSON the API takes and gives where no Java type of the code holds them: request bodies (the
 * {@code *Requests} classes read them field by field), pages and small answers built as maps, and the error body.
 * The REST definitions ({@code routes/*-api.yaml}) name them as {@code type} and {@code responseModel}, so the
 * OpenAPI description at {@code /api/openapi.json} shows them; nothing else uses them. OpenApiTest sends real
 * requests built from them and checks real answers against them, so they cannot drift from what the API does.
 */
package routes.api.schema;
