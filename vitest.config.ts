import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Starts FalkorDB (or uses NEO4J_URI) for the graph store suites; see test/support/falkordb-server.ts.
    globalSetup: ['test/support/global-setup.ts'],
  },
});
