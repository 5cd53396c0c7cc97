-- The column-style (FraiseQL v2) views of `npm run bench:http`, created after seeding over the
-- blog fixture's base tables: one column per GraphQL field the Floor* operations read, so that
-- PostgreSQL reads only the columns a response needs (no `data` jsonb to build), as a careful DBA
-- would write them for these reads:
-- - no joins: the relations join on the tables' own keys (pk_user/fk_author, pk_post/fk_post), the
--   columns and indexes the floor's hand-written SQL uses;
-- - timestamps: `created_at` stays the timestamptz (orderings and filters compare it, so the
--   floor's index on tb_post(created_at) serves them) and `created_at_iso` is the text the
--   responses carry, the floor's exact format (ISO 8601 UTC with milliseconds, as the v_* views
--   write it into `data`); the SDL reads one and compares the other (bench/columns/schema.graphql).
CREATE VIEW vc_user AS
SELECT u.pk_user,
       u.id,
       u.name,
       u.email AS email_address
FROM tb_user u;

CREATE VIEW vc_post AS
SELECT p.pk_post,
       p.id,
       p.fk_author,
       p.title,
       p.status,
       p.views,
       p.created_at,
       to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at_iso
FROM tb_post p;

CREATE VIEW vc_comment AS
SELECT c.pk_comment,
       c.id,
       c.fk_post,
       c.body,
       c.created_at,
       to_char(c.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at_iso
FROM tb_comment c;
