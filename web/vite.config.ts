/** Builds the browser app into web/dist (served by the gateway); the dev server proxies the API to it. */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { mantineCssVariables } from './build/mantine-css-variables.ts';
import { theme } from './src/theme.ts';

const gateway = process.env.PAYMESH_GATEWAY_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react(), mantineCssVariables(theme)],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      output: {
        // Libraries change less often than the app: separate files stay cached across releases.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
            {
              name: 'mantine',
              test: /node_modules[\\/](@mantine|@floating-ui|react-number-format|clsx)[\\/]/,
            },
            { name: 'rpc', test: /node_modules[\\/](@bufbuild|@connectrpc)[\\/]|proto[\\/]gen[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    // Every public RPC lives under /paymesh.<context>.v1.<Service>/<Method>.
    proxy: { '^/paymesh\\.': { target: gateway, changeOrigin: true } },
  },
});
