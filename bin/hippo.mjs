#!/usr/bin/env node
// The `hippo` command: the CLI bundled by `npm run build:node` (scripts/build-node.mjs).
import '../dist/cli.mjs';
