import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The bundle is served by Tauri's custom protocol (tauri://localhost) under a strict CSP:
// script-src 'self' — so no inline scripts, no eval, nothing from a CDN.
export default defineConfig({
  plugins: [react()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    // WebKitGTK 2.4x (Debian 12) / WKWebView / WebView2.
    target: ["es2022", "safari16", "chrome110"],
    sourcemap: false,
    // Never inline assets as data: URLs into scripts; keep everything a plain file.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
