-- Rows that break the schema's non-null promises, one way each (p1 keeps every promise).
CREATE SCHEMA nn;
SET search_path TO nn;
CREATE TABLE author (id text PRIMARY KEY, data jsonb NOT NULL);
CREATE TABLE post (id text PRIMARY KEY, author_id text, editor_id text, data jsonb NOT NULL);
CREATE VIEW v_author AS SELECT id, data FROM author;
CREATE VIEW v_post AS SELECT id, author_id, editor_id, data FROM post;
INSERT INTO author VALUES
  ('a1', '{"id": "a1", "name": "Ann", "bio": "writes"}'),
  ('a2', '{"id": "a2", "name": null}'),
  ('a3', '{"id": "a3"}');
INSERT INTO post VALUES
  ('p1', 'a1', 'a1', '{"id": "p1", "title": "fine", "subtitle": null, "tags": ["x"], "meta": {"lang": "en", "words": 3}, "extra": null, "notes": [{"text": "n"}]}'),
  ('p2', 'a1', NULL, '{"id": "p2", "subtitle": "no title", "tags": [], "meta": {"lang": "en"}}'),
  ('p3', 'a1', NULL, '{"id": "p3", "title": "null tag", "tags": ["a", null], "meta": {"lang": "en"}}'),
  ('p4', 'a1', NULL, '{"id": "p4", "title": "no meta", "tags": []}'),
  ('p5', 'a1', NULL, '{"id": "p5", "title": "null lang", "tags": [], "meta": {"lang": null}, "extra": {"words": 1}}'),
  ('p6', 'a9', NULL, '{"id": "p6", "title": "missing author", "tags": [], "meta": {"lang": "en"}}'),
  ('p7', 'a1', 'a2', '{"id": "p7", "title": "nameless editor", "tags": [], "meta": {"lang": "en"}, "notes": [{"text": "ok"}, {"text": null}]}'),
  ('p8', 'a1', NULL, '{"id": "p8", "title": "odd notes", "tags": null, "meta": "text", "notes": ["x"]}');
