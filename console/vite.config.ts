import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The console is served at the root of the one origin; the APIs are /competition/, /ordering/,
// /delivery/ and /rating/ on the same origin (Caddy in compose, scripts/console_server.py under
// `make run`). `vite build` writes dist/; nothing else is needed at run time.
export default defineConfig({
  plugins: [react()],
  base: "/",
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false, chunkSizeWarningLimit: 1024 },
});
