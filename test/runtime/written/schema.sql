-- Rows whose elements the runtime writes from their columns (see writtenList.test.ts): strings
-- that need every kind of JSON escape, NULLs, booleans, extreme integers, padded characters.
-- Item 7 has no note, which the non-null field `note` makes an error.
CREATE SCHEMA wr;
CREATE TABLE wr.item (
  pk integer PRIMARY KEY,
  id uuid NOT NULL UNIQUE,
  name text NOT NULL,
  label varchar(40),
  code character(4),
  small smallint,
  qty integer NOT NULL,
  flag boolean,
  note text,
  price numeric
);
INSERT INTO wr.item VALUES
  (1, '00000000-0000-4000-8000-000000000001', 'plain', 'a label', 'ab', 1, 10, true, 'n1', 1.5),
  (2, 'ffffffff-ffff-4fff-bfff-ffffffffffff', 'quote " and backslash \ and slash /', NULL, NULL, NULL, -2147483648, false, 'n2', NULL),
  (3, '12345678-9abc-4def-8123-456789abcdef', E'controls \x01\x02\b\f\n\r\t\x1f\x7f end', E'tab\there', 'abcd', -32768, 2147483647, NULL, 'n3', 'NaN'),
  (4, '0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f', E'line sep \u2028 para sep \u2029 bom \ufeff nel \u0085 nbsp \u00a0', '', ' ', 32767, 0, true, 'n4', 2),
  (5, 'a0a0a0a0-a0a0-4a0a-8a0a-a0a0a0a0a0a0', E'emoji \U0001F600 cjk 漢字 astral \U00010348', '"quoted"', 'x"\', 0, 5, false, '', 3),
  (6, 'b1b1b1b1-b1b1-4b1b-9b1b-b1b1b1b1b1b1', '', E'ends with \\u0000', NULL, -1, 6, true, 'n6', 4),
  (7, 'c2c2c2c2-c2c2-4c2c-ac2c-c2c2c2c2c2c2', 'no note', 'null', 'null', NULL, 7, NULL, NULL, 5);
-- A column-style view: no `data`, each field reads its column.
CREATE VIEW wr.v_item AS
SELECT i.pk, i.id, i.name, i.label, i.code, i.small, i.qty, i.flag, i.note, i.price FROM wr.item i;
