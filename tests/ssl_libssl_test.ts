Deno.test("placeholder", () => {});
