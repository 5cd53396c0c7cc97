-- 250 rows for lists read in chunks of 100 elements (see chunkedList.test.ts): row 138 (index 137
-- in id order) has no label, which a non-null field of a nullable element makes an error.
CREATE SCHEMA ck;
CREATE TABLE ck.entry (pk integer PRIMARY KEY, id text NOT NULL UNIQUE, label text, note text NOT NULL);
INSERT INTO ck.entry
SELECT n, 'e' || lpad(n::text, 3, '0'), CASE WHEN n = 138 THEN NULL ELSE 'label ' || n END, 'note ' || n
FROM generate_series(1, 250) AS n;
CREATE VIEW ck.v_entry AS
SELECT e.id, e.label, jsonb_build_object('id', e.id, 'label', e.label, 'note', e.note) AS data
FROM ck.entry e;
