import { defineConfig } from "vite";
import { svelte } from "@sveltejs/vite-plugin-svelte";

// The built console is embedded into the hub binary (crates/hub/src/console.rs) and served at /console/.
export default defineConfig({
  base: "/console/",
  plugins: [svelte()],
  clearScreen: false,
  server: { fs: { allow: [".."] } },
  build: { target: "es2021", outDir: "dist", emptyOutDir: true },
});
