-- Views whose columns and data keys the catalogue proves non-null (or not): the SQL leaves out the
-- null mark only where no row can break the promise (see provenNonNull.test.ts).
CREATE SCHEMA pv;
SET search_path TO pv;
CREATE TABLE team (pk bigint PRIMARY KEY, id text NOT NULL UNIQUE, name text NOT NULL);
CREATE TABLE item (
  pk bigint PRIMARY KEY,
  id text NOT NULL UNIQUE,
  code text NOT NULL UNIQUE,
  fk_team bigint REFERENCES team (pk),
  label text,
  qty integer NOT NULL,
  note jsonb NOT NULL
);
CREATE VIEW v_item AS
SELECT i.id, i.code, i.label, t.name AS team_name,
       jsonb_build_object('id', i.id, 'code', i.code, 'label', i.label, 'qty', i.qty, 'note', i.note,
                          'team', t.name) AS data
FROM item i
LEFT JOIN team t ON t.pk = i.fk_team;
INSERT INTO team VALUES (1, 't1', 'Red');
INSERT INTO item VALUES
  (1, 'i1', 'c-b', 1, 'first', 10, '"n1"'),
  (2, 'i2', 'c-d', 1, NULL, 20, '"n2"'),
  (3, 'i3', 'c-a', 1, 'third', 30, 'null'),
  (4, 'i4', 'c-c', NULL, 'fourth', 40, '"n4"');
