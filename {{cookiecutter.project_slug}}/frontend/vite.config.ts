import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// Django serves the build: index.html at / and the assets through whitenoise under
// /static/app/ (STATICFILES_DIRS), so the app and the API share one origin.
export default defineConfig({
  base: "/static/app/",
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true },
  test: { environment: "node", include: ["src/**/*.test.ts"] },
});
