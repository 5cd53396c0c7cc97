CREATE TABLE tb_pack_note (id uuid PRIMARY KEY, data jsonb NOT NULL);
CREATE VIEW v_pack_note AS SELECT id, data FROM tb_pack_note;
CREATE VIEW v_pack_gone AS SELECT id, data FROM tb_pack_note;
INSERT INTO tb_pack_note VALUES
  ('00000000-0000-4000-8000-000000000001', '{"id": "00000000-0000-4000-8000-000000000001", "title": "first"}'),
  ('00000000-0000-4000-8000-000000000002', '{"id": "00000000-0000-4000-8000-000000000002", "title": "second"}');
