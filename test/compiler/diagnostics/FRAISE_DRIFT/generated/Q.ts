// A compiled module whose view lost its "title" column since the compile.
const statements = [
  {
    name: "fraise_q",
    text: `SELECT t0."title"
FROM "public"."v_post" t0`,
  },
];
