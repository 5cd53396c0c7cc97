CREATE TABLE tb_item (id uuid PRIMARY KEY, code text, qty integer, data jsonb NOT NULL);
CREATE VIEW v_item AS SELECT id, code, qty, data FROM tb_item;
CREATE TABLE tb_part (id uuid PRIMARY KEY, item_id uuid NOT NULL, data jsonb NOT NULL);
CREATE VIEW v_part AS SELECT id, item_id, data FROM tb_part;
