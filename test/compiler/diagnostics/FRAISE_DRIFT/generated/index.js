export const operationsByName = {
  Q: { statements: [{ name: "fraise_q", text: `SELECT t0."title"\nFROM "public"."v_post" t0` }] },
};
